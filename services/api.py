"""REST endpoints of this app; `register` adds them to the API root."""


def register(router):
    pass
