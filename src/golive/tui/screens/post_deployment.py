"""Step 8, Post-deployment: what is watched in the first 24 hours, the first week and after;
where the figures come from (the integration's log, Prometheus)."""

from __future__ import annotations

from golive.tui.screens.step import StepScreen
from golive.tui.widgets.field import FieldSpec


class PostDeploymentScreen(StepScreen):
    STEP = "post"
    INTRO = (
        "After go-live: the error rate, response times, clearance rejections and logs in the "
        "first 24 hours; daily then weekly and monthly reviews. `golive watch SESSION` reads the "
        "figures from the log and Prometheus named here and records them."
    )
    FIELDS = (
        "Where the figures come from",
        FieldSpec(
            "post_deployment.log.path",
            "Integration log",
            placeholder="/var/log/integration/onesource.jsonl",
            help="a JSON Lines file or folder the watch reads",
        ),
        FieldSpec(
            "post_deployment.log.pattern",
            "Text log pattern",
            help="for text logs: a regular expression with named groups",
        ),
        FieldSpec(
            "post_deployment.prometheus_url", "Prometheus URL", placeholder="http://prometheus:9090"
        ),
        "Reviews",
        FieldSpec(
            "post_deployment.reviews_from", "Reviews from", "optional", placeholder="YYYY-MM-DD"
        ),
        FieldSpec("post_deployment.review_horizon_days", "Review horizon (days)", "number"),
    )
