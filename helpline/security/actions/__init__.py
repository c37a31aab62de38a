from helpline.security.actions.api_keys import authenticate_api_key, create_api_key, revoke_api_key

__all__ = ["authenticate_api_key", "create_api_key", "revoke_api_key"]
