"""The API object; routers are added per resource."""

from ninja import NinjaAPI

api = NinjaAPI(title="kyphoplan", version="1", urls_namespace="api")
