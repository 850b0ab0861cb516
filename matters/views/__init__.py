from matters.views.events import event_create, event_detail, event_list  # noqa: F401
from matters.views.inspections import (  # noqa: F401
    inspection_action,
    inspection_create,
    inspection_detail,
    inspection_list,
    item_create,
    item_list,
    item_views,
)
from matters.views.overview import index  # noqa: F401
from matters.views.travel import (  # noqa: F401
    application_action,
    application_create,
    application_detail,
    application_list,
    certificate_action,
    certificate_create,
    certificate_detail,
    certificate_list,
    investigation_close,
    investigation_create,
    investigation_list,
    loan_action,
    opinion_record,
    reconciliation_export,
    registration_create,
    registration_list,
    registration_remove,
)
