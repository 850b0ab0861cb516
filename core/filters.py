"""Filter classes shared by the apps' filters.py. The blank choice of every filter reads 全部
(FILTERS_EMPTY_CHOICE_LABEL in config/settings.py)."""

import django_filters


class OrderingFilter(django_filters.OrderingFilter):
    # django-filter's "%s (descending)" has no Simplified Chinese translation.
    descending_fmt = "%s（倒序）"
