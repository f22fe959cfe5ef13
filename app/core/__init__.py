"""The application's one Django app: the API endpoints, the heartbeat task, ``pre_update``."""
