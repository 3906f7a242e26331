/* ft-pump.h — the data path of a file transfer over a TCP socket (the
 * SOCKS5 bytestreams of XEP-0260): a worker thread moves the bytes with
 * blocking calls on large buffers, so the main context sees only the start,
 * a byte counter it may poll, and the end.
 *
 * Sender: sendfile(2) from the file to the socket, no copy through user
 * space (the file's hash was computed before the offer); only a chunk that
 * the test hook corrupts goes through a buffer. Receiver: the socket is read
 * into JA_FT_PUMP_BUFFER bytes at a time, each buffer written to the
 * JaFtWriter and handed to a hashing thread (ft-writer's split write/hash),
 * with at most JA_FT_PUMP_WINDOW buffers in flight: that is the memory
 * bound, whatever the file size.
 *
 * While a pump runs, its thread owns the socket and the writer: the caller
 * cancels and waits for the completion before closing or ending either. */
#pragma once

#include <gio/gio.h>

#include "plugins/file-transfer/ft-writer.h"

G_BEGIN_DECLS

/* Bytes per read from the socket. */
#define JA_FT_PUMP_BUFFER (1024 * 1024)
/* Receiver buffers in flight between the socket and the hash. */
#define JA_FT_PUMP_WINDOW 4

typedef struct _JaFtPump JaFtPump;

/* Sends length bytes of fd from offset (fd is dup'ed). corrupt_offset >= 0:
 * test hook, the byte at that file offset goes out with its low bit
 * flipped. */
JaFtPump *ja_ft_pump_new_sender (GSocket *socket, int fd, guint64 offset,
    guint64 length, gint64 corrupt_offset, GError **error);
/* Test hook (JINGLE_AGENT_TEST_S5B_RATE, s5b-transport.h): a sender sends
 * at most bytes_per_second (0: no limit), so that a test can interrupt a
 * transfer half-way. Before the run. */
void ja_ft_pump_set_rate (JaFtPump *pump, guint64 bytes_per_second);
/* Reads until EOF into writer (borrowed; the pump's thread uses it until
 * the pump completes). */
JaFtPump *ja_ft_pump_new_receiver (GSocket *socket, JaFtWriter *writer);

/* Runs the pump in a thread; callback in the caller's main context. */
void ja_ft_pump_run_async (JaFtPump *pump, GCancellable *cancellable,
    GAsyncReadyCallback callback, gpointer user_data);
/* TRUE when every byte went (sender) or EOF came (receiver). */
gboolean ja_ft_pump_run_finish (JaFtPump *pump, GAsyncResult *res,
    GError **error);

/* Bytes moved so far (any thread). */
guint64 ja_ft_pump_get_bytes (JaFtPump *pump);

/* After a failed run: the socket failed (not the file). */
gboolean ja_ft_pump_failed_on_socket (JaFtPump *pump);

/* Not while it runs. */
void ja_ft_pump_free (JaFtPump *pump);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JaFtPump, ja_ft_pump_free)

G_END_DECLS
