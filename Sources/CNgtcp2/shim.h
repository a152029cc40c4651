#ifndef CNGTCP2_SHIM_H
#define CNGTCP2_SHIM_H
/* Thin shim: ngtcp2 0.12's entry points are function-like macros over
 * `_versioned` functions, which Swift cannot call; these wrappers can be.
 * Wrappers only: no logic lives here. */
#include <ngtcp2/ngtcp2.h>
#include <ngtcp2/ngtcp2_crypto.h>
#include <ngtcp2/ngtcp2_crypto_gnutls.h>
#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>

static inline void cngtcp2_settings_default(ngtcp2_settings *settings) {
  ngtcp2_settings_default(settings);
}
static inline void cngtcp2_transport_params_default(ngtcp2_transport_params *params) {
  ngtcp2_transport_params_default(params);
}
static inline void cgnutls_free(void *p) { gnutls_free(p); }

static inline int cngtcp2_conn_client_new(ngtcp2_conn **pconn, const ngtcp2_cid *dcid,
    const ngtcp2_cid *scid, const ngtcp2_path *path, uint32_t version,
    const ngtcp2_callbacks *callbacks, const ngtcp2_settings *settings,
    const ngtcp2_transport_params *params, void *user_data) {
  return ngtcp2_conn_client_new(pconn, dcid, scid, path, version, callbacks, settings, params,
                                NULL, user_data);
}
static inline int cngtcp2_conn_server_new(ngtcp2_conn **pconn, const ngtcp2_cid *dcid,
    const ngtcp2_cid *scid, const ngtcp2_path *path, uint32_t version,
    const ngtcp2_callbacks *callbacks, const ngtcp2_settings *settings,
    const ngtcp2_transport_params *params, void *user_data) {
  return ngtcp2_conn_server_new(pconn, dcid, scid, path, version, callbacks, settings, params,
                                NULL, user_data);
}
static inline int cngtcp2_conn_read_pkt(ngtcp2_conn *conn, const ngtcp2_path *path,
    const uint8_t *pkt, size_t pktlen, ngtcp2_tstamp ts) {
  return ngtcp2_conn_read_pkt(conn, path, NULL, pkt, pktlen, ts);
}
static inline ngtcp2_ssize cngtcp2_conn_writev_stream(ngtcp2_conn *conn, ngtcp2_path *path,
    uint8_t *dest, size_t destlen, ngtcp2_ssize *pdatalen, uint32_t flags, int64_t stream_id,
    const ngtcp2_vec *datav, size_t datavcnt, ngtcp2_tstamp ts) {
  return ngtcp2_conn_writev_stream(conn, path, NULL, dest, destlen, pdatalen, flags, stream_id,
                                   datav, datavcnt, ts);
}
static inline ngtcp2_ssize cngtcp2_conn_write_connection_close(ngtcp2_conn *conn,
    ngtcp2_path *path, uint8_t *dest, size_t destlen,
    const ngtcp2_connection_close_error *ccerr, ngtcp2_tstamp ts) {
  return ngtcp2_conn_write_connection_close(conn, path, NULL, dest, destlen, ccerr, ts);
}
static inline void cngtcp2_conn_get_conn_stat(ngtcp2_conn *conn, ngtcp2_conn_stat *cstat) {
  ngtcp2_conn_get_conn_stat(conn, cstat);
}

/* ngtcp2's qlog-like text log to stderr, for tracing a handshake (`DPDS_NGTCP2_LOG=1`). The
 * callback is variadic, which Swift cannot write, hence C. */
static inline void cngtcp2_log_stderr(void *user_data, const char *format, ...) {
  (void)user_data;
  va_list ap;
  va_start(ap, format);
  vfprintf(stderr, format, ap);
  va_end(ap);
  fputc('\n', stderr);
}
static inline void cngtcp2_settings_log_to_stderr(ngtcp2_settings *settings) {
  settings->log_printf = cngtcp2_log_stderr;
}

/* UDP batching: one sendmsg carries a run of equal-size datagrams (UDP GSO), one recvmsg may
 * return several coalesced ones (UDP GRO). The cmsg macros are C-only, hence here. */
#include <netinet/udp.h>
#include <string.h>
#include <sys/uio.h>
#ifndef SOL_UDP
#define SOL_UDP 17
#endif
#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#ifndef UDP_GRO
#define UDP_GRO 104
#endif

/* Sends `len` bytes to `sa` as datagrams of `segment` bytes (the last may be shorter), one
 * system call. segment 0 sends one plain datagram. Returns sendmsg's result. */
static inline ssize_t cdpds_udp_send(int fd, const uint8_t *buf, size_t len, uint16_t segment,
    const struct sockaddr *sa, socklen_t salen) {
  struct iovec iov = { (void *)buf, len };
  union { char buf[CMSG_SPACE(sizeof(uint16_t))]; struct cmsghdr align; } control;
  struct msghdr msg;
  memset(&msg, 0, sizeof(msg));
  msg.msg_name = (void *)sa;
  msg.msg_namelen = salen;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (segment > 0 && len > segment) {
    memset(&control, 0, sizeof(control));
    msg.msg_control = control.buf;
    msg.msg_controllen = sizeof(control.buf);
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
    cm->cmsg_level = SOL_UDP;
    cm->cmsg_type = UDP_SEGMENT;
    cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
    memcpy(CMSG_DATA(cm), &segment, sizeof(segment));
  }
  return sendmsg(fd, &msg, MSG_DONTWAIT);
}

/* Receives into `buf`; *segment is the size of each coalesced datagram when the kernel joined
 * several (UDP GRO), else 0. */
static inline ssize_t cdpds_udp_receive(int fd, uint8_t *buf, size_t cap, struct sockaddr_storage *from,
    socklen_t *fromlen, int *segment) {
  struct iovec iov = { buf, cap };
  union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } control;
  struct msghdr msg;
  memset(&msg, 0, sizeof(msg));
  msg.msg_name = from;
  msg.msg_namelen = *fromlen;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.buf;
  msg.msg_controllen = sizeof(control.buf);
  ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT);
  *segment = 0;
  if (n >= 0) {
    *fromlen = msg.msg_namelen;
    for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm)) {
      if (cm->cmsg_level == SOL_UDP && cm->cmsg_type == UDP_GRO) memcpy(segment, CMSG_DATA(cm), sizeof(int));
    }
  }
  return n;
}

/* Asks the kernel to coalesce received datagrams (Linux 5.0+); 0 on success. */
static inline int cdpds_udp_enable_gro(int fd) {
  int one = 1;
  return setsockopt(fd, SOL_UDP, UDP_GRO, &one, sizeof(one));
}

#endif
