# Reproducer for uiri/toml#118: a nested inline table
import sys
import toml

print("python", sys.version.split()[0])
print("toml", toml.__version__, "from", toml.__file__)

# sanity: a flat inline table parses fine
flat = toml.loads("[a]\nb = {c = 1}\n")
assert flat == {"a": {"b": {"c": 1}}}, flat

# the input file from the issue
doc = """[a]
b = {c = {d = 'f'}}
"""
print("input:")
print(doc)
print(toml.loads(doc))
print("no error raised")
