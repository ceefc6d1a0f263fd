#ifndef ESCALATOR_CLIBSSH2_SHIM_H
#define ESCALATOR_CLIBSSH2_SHIM_H
#include <libssh2.h>
#include <libssh2_publickey.h>
#include <openssl/crypto.h>

/// Initialises OpenSSL without its atexit cleanup. OpenSSL (used by libssh2 and libcurl) frees
/// its global state when the process exits; a dispatch thread still closing an SSH channel at
/// that moment then crashes (SIGSEGV in RAND_bytes). Must run before any other OpenSSL use to
/// take effect; harmless afterwards.
static inline int esc_openssl_init_no_atexit(void) {
    return OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, NULL);
}
#endif
