from tabulate import tabulate

table = [["spam", 41.9999], ["eggs", "451.0"], ["sausages", None]]
print(tabulate(table, headers="keys", tablefmt="plain"))
# wrap the columns at 40 characters, as in the issue
print(tabulate(table, headers="keys", tablefmt="plain", maxcolwidth=40))
