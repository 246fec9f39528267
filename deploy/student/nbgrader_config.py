"""nbgrader for a student's server on the course's JupyterHub (JUPYTER_CONFIG_PATH=deploy/student:jupyter/student).

The Assignments tab lists, fetches and submits through the exchange folder the hub machine shares.
JupyterHubAuthPlugin asks the hub which courses the student belongs to: membership of the hub group
nbgrader-nettrain. The two nettrain classes keep a submission private to its student and the graders,
and tell a student who is not in the course so, instead of showing an empty list.
"""
import os

from nbgrader.auth import JupyterHubAuthPlugin

c = get_config()  # noqa: F821 -- provided by nbgrader when it loads this file

c.CourseDirectory.course_id = "nettrain"
c.Exchange.root = os.environ.get("NETTRAIN_EXCHANGE", "/srv/nbgrader/exchange")
c.Authenticator.plugin_class = JupyterHubAuthPlugin
c.ExchangeFactory.submit = "nettrain_grading.exchange.PrivateSubmit"
c.ExchangeFactory.list = "nettrain_grading.exchange.EnrolledList"
