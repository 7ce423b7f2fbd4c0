# Register your models here.
from studio.review import admin as review_admin  # noqa: F401  (the review centre's admin registers itself)
