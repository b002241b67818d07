/* q8rt_version(): the version string, built from the Q8RT_VERSION_* macros of include/q8rt.h. */
#include "q8rt.h"

#define Q8RT_STR_(x) #x
#define Q8RT_STR(x) Q8RT_STR_(x)

const char* q8rt_version(void) {
  return Q8RT_STR(Q8RT_VERSION_MAJOR) "." Q8RT_STR(Q8RT_VERSION_MINOR) "." Q8RT_STR(Q8RT_VERSION_PATCH);
}
