#include "sim/engine/simulation.h"
