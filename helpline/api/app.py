from ninja import NinjaAPI

api = NinjaAPI(title="Helpline API", version="1", urls_namespace="api")
