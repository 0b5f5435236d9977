"""The faux database: pets and users in lists, found by their index."""

pets = []

pets.append({"name": "Tobi", "id": 0})
pets.append({"name": "Loki", "id": 1})
pets.append({"name": "Jane", "id": 2})
pets.append({"name": "Raul", "id": 3})

users = []

users.append({"name": "TJ", "pets": [pets[0], pets[1], pets[2]], "id": 0})
users.append({"name": "Guillermo", "pets": [pets[3]], "id": 1})
users.append({"name": "Nathan", "pets": [], "id": 2})


def find(table, id):
    """`table[id]` as JavaScript reads an array with a string index: None when absent."""
    return table[int(id)] if id.isdigit() and int(id) < len(table) else None
