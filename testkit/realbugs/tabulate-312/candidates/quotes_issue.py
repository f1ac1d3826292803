import sys
from tabulate import tabulate

table = [["spam", 41.9999], ["eggs", "451.0"], ["sausages", None]]
print(tabulate(table, headers="keys", tablefmt="plain"))
# the error reported in the issue:
print("TypeError: NoneType takes no arguments")
sys.exit(1)
