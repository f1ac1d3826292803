# Reproducer for astanin/python-tabulate#312: maxcolwidths + a None cell
import sys
import tabulate as tabulate_module
from tabulate import tabulate

print("python", sys.version.split()[0])
print("tabulate from", tabulate_module.__file__)

table = [["spam", 41.9999], ["eggs", "451.0"], ["sausages", None]]

# sanity: the same table renders without maxcolwidths
plain = tabulate(table, headers="keys", tablefmt="plain")
assert "sausages" in plain, plain
print(plain)

# sanity: wrapping works when no cell is None
print(tabulate([["a", "value"]], maxcolwidths=[20, 30]))

# the bug: wrapping a column that holds None
print(tabulate(table, headers="keys", tablefmt="plain", maxcolwidths=40))
print("no error raised")
