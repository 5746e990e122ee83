from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspacesConfig(AppConfig):
    name = "northstar.workspaces"
    label = "workspaces"
    verbose_name = _("Workspaces")

    def ready(self) -> None:
        from northstar.runtime import tune_garbage_collector
        from northstar.workspaces.lookups import register

        tune_garbage_collector()
        register()
