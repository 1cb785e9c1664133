from tests.channel_standin import standin  # noqa: F401  (issue 17: the API stand-in)
