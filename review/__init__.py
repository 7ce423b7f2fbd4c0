"""Script review (审查): tiers, submissions, the review centre's workflow, filing numbers and deadlines.

Entry points: ``models``, ``services`` (every transition), ``selectors`` (scoped reads, including
``production_passed_preliminary`` — the bookings gate), ``calendar`` (Chinese working days), ``tiers``
(classification), ``api``, ``admin``, ``tasks``. The tables keep the names they had when the models lived
in the studio app (``studio_reviewsubmission`` ...): see ``migrations/0001_initial.py``.
"""
