"""The faux database of examples/express/content-negotiation."""

users = []

users.append({"name": "Tobi"})
users.append({"name": "Loki"})
users.append({"name": "Jane"})
