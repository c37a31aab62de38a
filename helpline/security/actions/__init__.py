from helpline.security.actions.api_keys import authenticate_api_key, create_api_key, revoke_api_key
from helpline.security.actions.bans import ban_visitor, lift_ban

__all__ = ["ban_visitor", "lift_ban", "authenticate_api_key", "create_api_key", "revoke_api_key"]
