from tabulate import tabulate

table = [["spam", 41.9999], ["eggs", "451.0"], ["sausages", "n/a"]]
print(tabulate(table, headers=["item", "qty"], maxcolwidths=40))
