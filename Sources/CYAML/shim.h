// libyaml's event parser, from Debian's libyaml-dev. Only CatalogSeeds/YAMLReader imports it.
#include <yaml.h>
