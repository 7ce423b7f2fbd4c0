"""Script review (审查): tiers, submissions, the review centre's workflow, filing numbers and deadlines.

Models live in ``studio.models_review``. Entry points: ``services`` (every transition),
``selectors`` (scoped reads, including ``production_passed_preliminary`` — the bookings gate),
``calendar`` (Chinese working days), ``tiers`` (classification), ``api``, ``admin``, ``tasks``.
"""
