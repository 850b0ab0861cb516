"""The audit event names the API writes, with their Chinese labels (registry: core.audit_events)."""

EVENTS = {
    "api.client.created": "新建接口客户端",
    "api.client.updated": "修改接口客户端授权",
    "api.client.key_rotated": "更换接口密钥",
    "api.client.revoked": "吊销接口客户端",
    # every call of the API: client, endpoint, object and result (status) in the event
    "api.call.answered": "接口调用",
}
