#ifndef REPRO_SHA256_H
#define REPRO_SHA256_H

#include <stddef.h>
#include <stdint.h>

/// SHA-256 (FIPS 180-4) for ReproData's `SHA256`: the state of one message being hashed.
/// A plain value: copying it forks the hash.
typedef struct {
    uint32_t state[8];
    uint64_t length;        ///< bytes appended so far
    uint8_t buffer[64];     ///< the incomplete block
    uint32_t buffered;      ///< bytes used in `buffer`
    int32_t hardware;       ///< 1: the CPU's SHA instructions; 0: the portable compression function
} repro_sha256_context;

/// Starts a message. `implementation`: 0 picks the SHA instructions when the CPU has them (x86-64
/// SHA extensions) and the portable code otherwise; 1 forces the portable code (for tests).
void repro_sha256_init(repro_sha256_context *context, int implementation);

/// Whether `repro_sha256_init(_, 0)` uses the CPU's SHA instructions on this machine.
int repro_sha256_has_hardware(void);

/// Appends `count` bytes.
void repro_sha256_update(repro_sha256_context *context, const void *bytes, size_t count);

/// Writes the 32-byte digest of everything appended. The context is spent afterwards.
void repro_sha256_final(repro_sha256_context *context, uint8_t digest[32]);

#endif
