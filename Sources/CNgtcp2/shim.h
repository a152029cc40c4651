#ifndef CNGTCP2_SHIM_H
#define CNGTCP2_SHIM_H
/* Thin shim: ngtcp2 0.12's entry points are function-like macros over
 * `_versioned` functions, which Swift cannot call; these wrappers can be. */
#include <ngtcp2/ngtcp2.h>
#include <ngtcp2/ngtcp2_crypto.h>
#include <ngtcp2/ngtcp2_crypto_gnutls.h>
#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>

static inline void cngtcp2_settings_default(ngtcp2_settings *settings) {
  ngtcp2_settings_default(settings);
}
static inline void cngtcp2_transport_params_default(ngtcp2_transport_params *params) {
  ngtcp2_transport_params_default(params);
}
static inline void cgnutls_free(void *p) { gnutls_free(p); }

#endif
