/* ft-error.h — JA_TRANSFER_ERROR, the error domain of file transfers
 * (STYLE.md §3.3): failures that are neither I/O (G_IO_ERROR) nor a
 * malformed stanza (JA_XMPP_ERROR). Each code says what the Jingle layer is
 * expected to send (XEP-0234 §Errors). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define JA_TRANSFER_ERROR (ja_transfer_error_quark ())
GQuark ja_transfer_error_quark (void);

typedef enum {
  JA_TRANSFER_ERROR_HASH_MISMATCH,  /* received data does not match a
                                     * hash: <media-error/> */
  JA_TRANSFER_ERROR_DECLINED,       /* the user or policy declined the
                                     * offer: <decline/> */
  JA_TRANSFER_ERROR_TOO_LARGE,      /* over the size limit, or more data
                                     * than offered: <media-error/> +
                                     * <file-too-large/> */
  JA_TRANSFER_ERROR_INCOMPLETE,     /* fewer bytes than offered */
  JA_TRANSFER_ERROR_NOT_AVAILABLE,  /* a requested file is not there, or
                                     * not for the requester:
                                     * <failed-application/> */
} JaTransferError;

G_END_DECLS
