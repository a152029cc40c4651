#ifndef CSECP256K1_SHIM_H
#define CSECP256K1_SHIM_H
/* Thin shim over the system libsecp256k1; nothing else lives here. */
#include <secp256k1.h>
#endif
