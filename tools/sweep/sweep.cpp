#include "tools/sweep/sweep.h"
