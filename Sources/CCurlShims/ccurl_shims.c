#include "ccurl_shims.h"

CURLcode esc_easy_setopt_long(CURL *h, CURLoption opt, long v) { return curl_easy_setopt(h, opt, v); }
CURLcode esc_easy_setopt_off_t(CURL *h, CURLoption opt, curl_off_t v) { return curl_easy_setopt(h, opt, v); }
CURLcode esc_easy_setopt_ptr(CURL *h, CURLoption opt, const void *v) { return curl_easy_setopt(h, opt, v); }
CURLcode esc_easy_setopt_write_cb(CURL *h, CURLoption opt, curl_write_callback cb) { return curl_easy_setopt(h, opt, cb); }
CURLcode esc_easy_setopt_xferinfo_cb(CURL *h, curl_xferinfo_callback cb) { return curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, cb); }
CURLcode esc_easy_getinfo_long(CURL *h, CURLINFO info, long *out) { return curl_easy_getinfo(h, info, out); }
CURLcode esc_easy_getinfo_double(CURL *h, CURLINFO info, double *out) { return curl_easy_getinfo(h, info, out); }
curl_version_info_data *esc_version_info_now(void) { return curl_version_info(CURLVERSION_NOW); }
