from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from articles.views import healthz

handler500 = "newsroom.views.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("articles.urls")),
]

# In development, runserver serves uploaded images; in production the web server does.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
