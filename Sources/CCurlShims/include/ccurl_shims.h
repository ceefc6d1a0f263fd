#ifndef ESCALATOR_CCURL_SHIMS_H
#define ESCALATOR_CCURL_SHIMS_H
#include <curl/curl.h>

/* Fixed-signature forwards to curl's variadic setopt/getinfo, one per argument type,
   because Swift cannot call C variadic functions. */
CURLcode esc_easy_setopt_long(CURL *_Nonnull h, CURLoption opt, long v);
CURLcode esc_easy_setopt_off_t(CURL *_Nonnull h, CURLoption opt, curl_off_t v);
CURLcode esc_easy_setopt_ptr(CURL *_Nonnull h, CURLoption opt, const void *_Nullable v);
CURLcode esc_easy_setopt_write_cb(CURL *_Nonnull h, CURLoption opt, curl_write_callback _Nullable cb);
CURLcode esc_easy_setopt_xferinfo_cb(CURL *_Nonnull h, curl_xferinfo_callback _Nullable cb);
CURLcode esc_easy_getinfo_long(CURL *_Nonnull h, CURLINFO info, long *_Nonnull out);
CURLcode esc_easy_getinfo_double(CURL *_Nonnull h, CURLINFO info, double *_Nonnull out);
/* CURLVERSION_NOW is a macro Swift cannot see. */
curl_version_info_data *_Nullable esc_version_info_now(void);

#endif
