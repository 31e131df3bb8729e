"""The WSGI application, for servers without ASGI (progress then streams from a thread)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "packbuilder.web.settings")
application = get_wsgi_application()
