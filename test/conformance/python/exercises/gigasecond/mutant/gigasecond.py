from datetime import timedelta


def add(moment):
    return moment - timedelta(seconds=1e9)
