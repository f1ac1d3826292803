import toml

print(toml.loads("[a]\nb = {c = 1, d = 'f'}\n"))
