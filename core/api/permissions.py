"""The one permission class every API view uses: role permissions and guardian grants."""

from rest_framework.permissions import BasePermission

from core.permissions import user_can, user_has_any_permission

ACTION_BY_METHOD = {
    "GET": "view", "HEAD": "view", "OPTIONS": "view",
    "POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete",
}


class CustodiaPermission(BasePermission):
    """Model permission to reach the endpoint, object permission for the row.

    Reads need `view` globally or on at least one object (the queryset then shows only
    what may be seen); creates need `add`; changes and deletes need the permission on the
    object itself. A view may name a custom action for an extra route with
    `permission_action`.
    """

    def _action(self, request, view) -> str:
        return getattr(view, "permission_action", None) or ACTION_BY_METHOD.get(
            request.method, "change")

    def _model(self, view):
        # The class attribute, not get_queryset(): building the restricted queryset only to
        # learn its model would cost a permission query build per request.
        return view.queryset.model

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        action = self._action(request, view)
        model = self._model(view)
        if request.method.lower() not in view.http_method_names:
            # The view answers 405 to those who may see the resource at all.
            return user_has_any_permission(user, "view", model)
        if action == "add":
            return user_can(user, "add", model=model)
        return user_has_any_permission(user, action, model)

    def has_object_permission(self, request, view, obj) -> bool:
        action = self._action(request, view)
        if action == "view":
            return True  # the object was fetched from the view-restricted queryset
        return user_can(request.user, action, obj)
