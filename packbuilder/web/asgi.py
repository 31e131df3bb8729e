"""The ASGI application (uvicorn serves it: build progress streams as server-sent events)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "packbuilder.web.settings")
application = get_asgi_application()
