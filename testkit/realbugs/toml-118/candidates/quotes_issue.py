import sys
import toml

print(toml.loads("[a]\nb = {c = 1}\n"))
# the error reported in the issue:
print("IndexError: list index out of range")
sys.exit(1)
