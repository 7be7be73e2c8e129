"""WSGI entry point (gunicorn: `make serve`); refuses to start on a configuration the system checks call an error."""

import os

from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "layout.settings")
application = get_wsgi_application()

# A WSGI server runs no system checks: without this a production server would start on, say, the
# development secret key.
errors = [message for message in checks.run_checks() if message.is_serious() and not message.is_silenced()]
if errors:
    raise ImproperlyConfigured("\n".join(str(error) for error in errors))
