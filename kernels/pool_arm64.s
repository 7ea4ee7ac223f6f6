//go:build gc && !purego

#include "textflag.h"

// Window sums of an int8 average pool (see pool_simd.go). WORDs are
// encoded from their comments by the GNU assembler for aarch64; `make
// asmcheck` checks them.

// func poolSumInt8(a *poolArgs)
//
// Per 16-channel block: each window row is added into int16 lanes (V0,
// V1; at most 256 columns, so they cannot overflow), then into the int32
// sums (V16-V19).
TEXT ·poolSumInt8(SB), NOSPLIT, $0-8
	MOVD a+0(FP), R0
	MOVD 0(R0), R1  // x
	MOVD 8(R0), R2  // rowStride
	MOVD 16(R0), R3 // rows
	MOVD 24(R0), R4 // cols
	MOVD 32(R0), R5 // c
	MOVD 40(R0), R6 // blocks
	MOVD 48(R0), R7 // sum
	CBZ R6, pool_done

pool_block:
	VEOR V16.B16, V16.B16, V16.B16
	VEOR V17.B16, V17.B16, V17.B16
	VEOR V18.B16, V18.B16, V18.B16
	VEOR V19.B16, V19.B16, V19.B16
	MOVD R1, R8 // window row
	MOVD R3, R9

pool_row:
	VEOR V0.B16, V0.B16, V0.B16
	VEOR V1.B16, V1.B16, V1.B16
	MOVD R8, R10
	MOVD R4, R11

pool_col:
	VLD1.P (R10)(R5), [V2.B16]
	WORD $0x0e221000 // saddw v0.8h, v0.8h, v2.8b
	WORD $0x4e221021 // saddw2 v1.8h, v1.8h, v2.16b
	SUBS $1, R11
	BNE pool_col
	WORD $0x0e601210 // saddw v16.4s, v16.4s, v0.4h
	WORD $0x4e601231 // saddw2 v17.4s, v17.4s, v0.8h
	WORD $0x0e611252 // saddw v18.4s, v18.4s, v1.4h
	WORD $0x4e611273 // saddw2 v19.4s, v19.4s, v1.8h
	ADD R2, R8
	SUBS $1, R9
	BNE pool_row
	VST1.P [V16.S4, V17.S4, V18.S4, V19.S4], 64(R7)
	ADD $16, R1
	SUBS $1, R6
	BNE pool_block

pool_done:
	RET
