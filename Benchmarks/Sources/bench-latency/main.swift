import CatalogKit

print("todo")
