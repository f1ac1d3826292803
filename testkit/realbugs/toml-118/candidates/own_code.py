import toml

doc = toml.loads("[a]\nb = {c = 1}\n")
print(doc)
name = doc["a"]["b"].get("name", "")
print("first letter:", name[0])
