"""nbgrader for the grader service (the formgrader and nettrain-grade) on the course's JupyterHub.

The service runs in the course folder, whose own nbgrader_config.py (the repository's) says where the
lessons are; this file adds the shared exchange and the hub's groups.
"""
import os

from nbgrader.auth import JupyterHubAuthPlugin

c = get_config()  # noqa: F821 -- provided by nbgrader when it loads this file

c.CourseDirectory.course_id = "nettrain"
c.Exchange.root = os.environ.get("NETTRAIN_EXCHANGE", "/srv/nbgrader/exchange")
c.Authenticator.plugin_class = JupyterHubAuthPlugin
# Students own their folders in inbound/: collect only what each student really handed in, never
# following a link (nettrain_grading.exchange.OwnedCollect). The formgrader's Collect button and
# `nettrain-grade --from-exchange` both go through it.
c.ExchangeFactory.collect = "nettrain_grading.exchange.OwnedCollect"
