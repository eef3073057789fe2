"""Every domain's tables, imported in one place so that metadata and migrations see them all."""

from __future__ import annotations


def load_all_models() -> None:
    from fraudlink.access import models as _access  # noqa: F401, PLC0415
    from fraudlink.actions import models as _actions  # noqa: F401, PLC0415
    from fraudlink.advice import models as _advice  # noqa: F401, PLC0415
    from fraudlink.audit import models as _audit  # noqa: F401, PLC0415
    from fraudlink.decisions import models as _decisions  # noqa: F401, PLC0415
    from fraudlink.figures import models as _figures  # noqa: F401, PLC0415
    from fraudlink.indicators import models as _indicators  # noqa: F401, PLC0415
    from fraudlink.networks import models as _networks  # noqa: F401, PLC0415
    from fraudlink.partners import models as _partners  # noqa: F401, PLC0415
    from fraudlink.recovery import models as _recovery  # noqa: F401, PLC0415
    from fraudlink.reports import models as _reports  # noqa: F401, PLC0415
    from fraudlink.telecom import models as _telecom  # noqa: F401, PLC0415
    from fraudlink.webhooks import models as _webhooks  # noqa: F401, PLC0415
