#ifndef ESCALATOR_CCURL_SHIM_H
#define ESCALATOR_CCURL_SHIM_H
#include <curl/curl.h>
#endif
