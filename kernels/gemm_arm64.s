//go:build gc && !purego

#include "textflag.h"

// Packed int8 GEMM cores and the im2col gather (see gemm.go for the
// layouts and the requantization). Instructions the Go assembler lacks are
// WORDs encoded by the GNU assembler for aarch64 from the trailing
// comment; `make asmcheck` (internal/cmd/asmcheck) re-assembles every
// comment and compares, and `go run ./internal/cmd/asmcheck -w` rewrites
// the words.
//
// Registers of the GEMM cores:
//	R0 args        R1 x of the row tile   R2 xStride    R3 rows left
//	R4 weights     R5 params              R6 blocks     R7 chunks
//	R8 out of the row tile                R9 outStride  R10 tail channels
//	R12 flags      R13-R16 x row cursors  R17 weight cursor
//	R19 params cursor  R20 blocks left  R21 chunks left  R22 out of the block
//	R23-R25 scratch
//	V16-V31 accumulators; V0-V15 x, weights and products, then the
//	requantization: V0 zero point (int32), V1 zero point (int16), V2 min,
//	V3 max (int8), the rest per-channel vectors.


// func gemmDotInt8(a *gemmArgs)
//
// SDOT core: tiles of 4 rows × 16 channels (accumulator V(16+4p+s) holds
// channels 4s..4s+3 of row p), then single rows. The accumulators start as
// the bias.
TEXT ·gemmDotInt8(SB), NOSPLIT, $0-8
	MOVD a+0(FP), R0
	MOVD 64(R0), R1
	MOVD 72(R0), R2
	MOVD 80(R0), R3
	MOVD 88(R0), R4
	MOVD 96(R0), R5
	MOVD 104(R0), R6
	MOVD 112(R0), R7
	MOVD 120(R0), R8
	MOVD 128(R0), R9
	MOVD 136(R0), R10
	MOVD 144(R0), R12

dot_rows4:
	CMP $4, R3
	BLT dot_rows1
	MOVD R4, R17
	MOVD R5, R19
	MOVD R6, R20
	MOVD R8, R22

dot_block4:
	SUB $1, R20

	MOVD R1, R13
	ADD R2, R13, R14
	ADD R2, R14, R15
	ADD R2, R15, R16
	VLD1 (R19), [V16.S4, V17.S4, V18.S4, V19.S4] // bias
	VLD1 (R19), [V20.S4, V21.S4, V22.S4, V23.S4]
	VLD1 (R19), [V24.S4, V25.S4, V26.S4, V27.S4]
	VLD1.P 64(R19), [V28.S4, V29.S4, V30.S4, V31.S4]
	MOVD R7, R21
	CBZ R21, dot_requant4

dot_chunk4:
	VLD1.P 16(R13), [V0.B16]
	VLD1.P 16(R14), [V1.B16]
	VLD1.P 16(R15), [V2.B16]
	VLD1.P 16(R16), [V3.B16]
	VLD1.P 64(R17), [V4.B16, V5.B16, V6.B16, V7.B16]
	VLD1.P 64(R17), [V8.B16, V9.B16, V10.B16, V11.B16]
	WORD $0x4f80e090 // sdot v16.4s, v4.16b, v0.4b[0]
	WORD $0x4f81e094 // sdot v20.4s, v4.16b, v1.4b[0]
	WORD $0x4f82e098 // sdot v24.4s, v4.16b, v2.4b[0]
	WORD $0x4f83e09c // sdot v28.4s, v4.16b, v3.4b[0]
	WORD $0x4fa0e0b0 // sdot v16.4s, v5.16b, v0.4b[1]
	WORD $0x4fa1e0b4 // sdot v20.4s, v5.16b, v1.4b[1]
	WORD $0x4fa2e0b8 // sdot v24.4s, v5.16b, v2.4b[1]
	WORD $0x4fa3e0bc // sdot v28.4s, v5.16b, v3.4b[1]
	WORD $0x4f80e8d0 // sdot v16.4s, v6.16b, v0.4b[2]
	WORD $0x4f81e8d4 // sdot v20.4s, v6.16b, v1.4b[2]
	WORD $0x4f82e8d8 // sdot v24.4s, v6.16b, v2.4b[2]
	WORD $0x4f83e8dc // sdot v28.4s, v6.16b, v3.4b[2]
	WORD $0x4fa0e8f0 // sdot v16.4s, v7.16b, v0.4b[3]
	WORD $0x4fa1e8f4 // sdot v20.4s, v7.16b, v1.4b[3]
	WORD $0x4fa2e8f8 // sdot v24.4s, v7.16b, v2.4b[3]
	WORD $0x4fa3e8fc // sdot v28.4s, v7.16b, v3.4b[3]
	VLD1.P 64(R17), [V4.B16, V5.B16, V6.B16, V7.B16]
	WORD $0x4f80e111 // sdot v17.4s, v8.16b, v0.4b[0]
	WORD $0x4f81e115 // sdot v21.4s, v8.16b, v1.4b[0]
	WORD $0x4f82e119 // sdot v25.4s, v8.16b, v2.4b[0]
	WORD $0x4f83e11d // sdot v29.4s, v8.16b, v3.4b[0]
	WORD $0x4fa0e131 // sdot v17.4s, v9.16b, v0.4b[1]
	WORD $0x4fa1e135 // sdot v21.4s, v9.16b, v1.4b[1]
	WORD $0x4fa2e139 // sdot v25.4s, v9.16b, v2.4b[1]
	WORD $0x4fa3e13d // sdot v29.4s, v9.16b, v3.4b[1]
	WORD $0x4f80e951 // sdot v17.4s, v10.16b, v0.4b[2]
	WORD $0x4f81e955 // sdot v21.4s, v10.16b, v1.4b[2]
	WORD $0x4f82e959 // sdot v25.4s, v10.16b, v2.4b[2]
	WORD $0x4f83e95d // sdot v29.4s, v10.16b, v3.4b[2]
	WORD $0x4fa0e971 // sdot v17.4s, v11.16b, v0.4b[3]
	WORD $0x4fa1e975 // sdot v21.4s, v11.16b, v1.4b[3]
	WORD $0x4fa2e979 // sdot v25.4s, v11.16b, v2.4b[3]
	WORD $0x4fa3e97d // sdot v29.4s, v11.16b, v3.4b[3]
	VLD1.P 64(R17), [V8.B16, V9.B16, V10.B16, V11.B16]
	WORD $0x4f80e092 // sdot v18.4s, v4.16b, v0.4b[0]
	WORD $0x4f81e096 // sdot v22.4s, v4.16b, v1.4b[0]
	WORD $0x4f82e09a // sdot v26.4s, v4.16b, v2.4b[0]
	WORD $0x4f83e09e // sdot v30.4s, v4.16b, v3.4b[0]
	WORD $0x4fa0e0b2 // sdot v18.4s, v5.16b, v0.4b[1]
	WORD $0x4fa1e0b6 // sdot v22.4s, v5.16b, v1.4b[1]
	WORD $0x4fa2e0ba // sdot v26.4s, v5.16b, v2.4b[1]
	WORD $0x4fa3e0be // sdot v30.4s, v5.16b, v3.4b[1]
	WORD $0x4f80e8d2 // sdot v18.4s, v6.16b, v0.4b[2]
	WORD $0x4f81e8d6 // sdot v22.4s, v6.16b, v1.4b[2]
	WORD $0x4f82e8da // sdot v26.4s, v6.16b, v2.4b[2]
	WORD $0x4f83e8de // sdot v30.4s, v6.16b, v3.4b[2]
	WORD $0x4fa0e8f2 // sdot v18.4s, v7.16b, v0.4b[3]
	WORD $0x4fa1e8f6 // sdot v22.4s, v7.16b, v1.4b[3]
	WORD $0x4fa2e8fa // sdot v26.4s, v7.16b, v2.4b[3]
	WORD $0x4fa3e8fe // sdot v30.4s, v7.16b, v3.4b[3]
	WORD $0x4f80e113 // sdot v19.4s, v8.16b, v0.4b[0]
	WORD $0x4f81e117 // sdot v23.4s, v8.16b, v1.4b[0]
	WORD $0x4f82e11b // sdot v27.4s, v8.16b, v2.4b[0]
	WORD $0x4f83e11f // sdot v31.4s, v8.16b, v3.4b[0]
	WORD $0x4fa0e133 // sdot v19.4s, v9.16b, v0.4b[1]
	WORD $0x4fa1e137 // sdot v23.4s, v9.16b, v1.4b[1]
	WORD $0x4fa2e13b // sdot v27.4s, v9.16b, v2.4b[1]
	WORD $0x4fa3e13f // sdot v31.4s, v9.16b, v3.4b[1]
	WORD $0x4f80e953 // sdot v19.4s, v10.16b, v0.4b[2]
	WORD $0x4f81e957 // sdot v23.4s, v10.16b, v1.4b[2]
	WORD $0x4f82e95b // sdot v27.4s, v10.16b, v2.4b[2]
	WORD $0x4f83e95f // sdot v31.4s, v10.16b, v3.4b[2]
	WORD $0x4fa0e973 // sdot v19.4s, v11.16b, v0.4b[3]
	WORD $0x4fa1e977 // sdot v23.4s, v11.16b, v1.4b[3]
	WORD $0x4fa2e97b // sdot v27.4s, v11.16b, v2.4b[3]
	WORD $0x4fa3e97f // sdot v31.4s, v11.16b, v3.4b[3]
	SUBS $1, R21
	BNE dot_chunk4

dot_requant4:
	VLD1 (R0), [V0.S4, V1.S4, V2.S4, V3.S4]        // zero points, min, max
	VLD1.P 64(R19), [V4.S4, V5.S4, V6.S4, V7.S4]   // multipliers
	TBNZ $0, R12, dot_right4
	VLD1.P 64(R19), [V8.S4, V9.S4, V10.S4, V11.S4] // left shifts
	VLD1.P 64(R19), [V12.S4, V13.S4, V14.S4, V15.S4] // right shifts
	WORD $0x4ea84610 // sshl v16.4s, v16.4s, v8.4s
	WORD $0x4ea94631 // sshl v17.4s, v17.4s, v9.4s
	WORD $0x4eaa4652 // sshl v18.4s, v18.4s, v10.4s
	WORD $0x4eab4673 // sshl v19.4s, v19.4s, v11.4s
	WORD $0x4ea84694 // sshl v20.4s, v20.4s, v8.4s
	WORD $0x4ea946b5 // sshl v21.4s, v21.4s, v9.4s
	WORD $0x4eaa46d6 // sshl v22.4s, v22.4s, v10.4s
	WORD $0x4eab46f7 // sshl v23.4s, v23.4s, v11.4s
	WORD $0x4ea84718 // sshl v24.4s, v24.4s, v8.4s
	WORD $0x4ea94739 // sshl v25.4s, v25.4s, v9.4s
	WORD $0x4eaa475a // sshl v26.4s, v26.4s, v10.4s
	WORD $0x4eab477b // sshl v27.4s, v27.4s, v11.4s
	WORD $0x4ea8479c // sshl v28.4s, v28.4s, v8.4s
	WORD $0x4ea947bd // sshl v29.4s, v29.4s, v9.4s
	WORD $0x4eaa47de // sshl v30.4s, v30.4s, v10.4s
	WORD $0x4eab47ff // sshl v31.4s, v31.4s, v11.4s
	WORD $0x6ea4b610 // sqrdmulh v16.4s, v16.4s, v4.4s
	WORD $0x6ea5b631 // sqrdmulh v17.4s, v17.4s, v5.4s
	WORD $0x6ea6b652 // sqrdmulh v18.4s, v18.4s, v6.4s
	WORD $0x6ea7b673 // sqrdmulh v19.4s, v19.4s, v7.4s
	WORD $0x6ea4b694 // sqrdmulh v20.4s, v20.4s, v4.4s
	WORD $0x6ea5b6b5 // sqrdmulh v21.4s, v21.4s, v5.4s
	WORD $0x6ea6b6d6 // sqrdmulh v22.4s, v22.4s, v6.4s
	WORD $0x6ea7b6f7 // sqrdmulh v23.4s, v23.4s, v7.4s
	WORD $0x6ea4b718 // sqrdmulh v24.4s, v24.4s, v4.4s
	WORD $0x6ea5b739 // sqrdmulh v25.4s, v25.4s, v5.4s
	WORD $0x6ea6b75a // sqrdmulh v26.4s, v26.4s, v6.4s
	WORD $0x6ea7b77b // sqrdmulh v27.4s, v27.4s, v7.4s
	WORD $0x6ea4b79c // sqrdmulh v28.4s, v28.4s, v4.4s
	WORD $0x6ea5b7bd // sqrdmulh v29.4s, v29.4s, v5.4s
	WORD $0x6ea6b7de // sqrdmulh v30.4s, v30.4s, v6.4s
	WORD $0x6ea7b7ff // sqrdmulh v31.4s, v31.4s, v7.4s
	WORD $0x4e2c1e08 // and v8.16b, v16.16b, v12.16b
	WORD $0x4f211510 // ssra v16.4s, v8.4s, #31
	WORD $0x4e2d1e28 // and v8.16b, v17.16b, v13.16b
	WORD $0x4f211511 // ssra v17.4s, v8.4s, #31
	WORD $0x4e2e1e48 // and v8.16b, v18.16b, v14.16b
	WORD $0x4f211512 // ssra v18.4s, v8.4s, #31
	WORD $0x4e2f1e68 // and v8.16b, v19.16b, v15.16b
	WORD $0x4f211513 // ssra v19.4s, v8.4s, #31
	WORD $0x4e2c1e88 // and v8.16b, v20.16b, v12.16b
	WORD $0x4f211514 // ssra v20.4s, v8.4s, #31
	WORD $0x4e2d1ea8 // and v8.16b, v21.16b, v13.16b
	WORD $0x4f211515 // ssra v21.4s, v8.4s, #31
	WORD $0x4e2e1ec8 // and v8.16b, v22.16b, v14.16b
	WORD $0x4f211516 // ssra v22.4s, v8.4s, #31
	WORD $0x4e2f1ee8 // and v8.16b, v23.16b, v15.16b
	WORD $0x4f211517 // ssra v23.4s, v8.4s, #31
	WORD $0x4e2c1f08 // and v8.16b, v24.16b, v12.16b
	WORD $0x4f211518 // ssra v24.4s, v8.4s, #31
	WORD $0x4e2d1f28 // and v8.16b, v25.16b, v13.16b
	WORD $0x4f211519 // ssra v25.4s, v8.4s, #31
	WORD $0x4e2e1f48 // and v8.16b, v26.16b, v14.16b
	WORD $0x4f21151a // ssra v26.4s, v8.4s, #31
	WORD $0x4e2f1f68 // and v8.16b, v27.16b, v15.16b
	WORD $0x4f21151b // ssra v27.4s, v8.4s, #31
	WORD $0x4e2c1f88 // and v8.16b, v28.16b, v12.16b
	WORD $0x4f21151c // ssra v28.4s, v8.4s, #31
	WORD $0x4e2d1fa8 // and v8.16b, v29.16b, v13.16b
	WORD $0x4f21151d // ssra v29.4s, v8.4s, #31
	WORD $0x4e2e1fc8 // and v8.16b, v30.16b, v14.16b
	WORD $0x4f21151e // ssra v30.4s, v8.4s, #31
	WORD $0x4e2f1fe8 // and v8.16b, v31.16b, v15.16b
	WORD $0x4f21151f // ssra v31.4s, v8.4s, #31
	WORD $0x4eac5610 // srshl v16.4s, v16.4s, v12.4s
	WORD $0x4ead5631 // srshl v17.4s, v17.4s, v13.4s
	WORD $0x4eae5652 // srshl v18.4s, v18.4s, v14.4s
	WORD $0x4eaf5673 // srshl v19.4s, v19.4s, v15.4s
	WORD $0x4eac5694 // srshl v20.4s, v20.4s, v12.4s
	WORD $0x4ead56b5 // srshl v21.4s, v21.4s, v13.4s
	WORD $0x4eae56d6 // srshl v22.4s, v22.4s, v14.4s
	WORD $0x4eaf56f7 // srshl v23.4s, v23.4s, v15.4s
	WORD $0x4eac5718 // srshl v24.4s, v24.4s, v12.4s
	WORD $0x4ead5739 // srshl v25.4s, v25.4s, v13.4s
	WORD $0x4eae575a // srshl v26.4s, v26.4s, v14.4s
	WORD $0x4eaf577b // srshl v27.4s, v27.4s, v15.4s
	WORD $0x4eac579c // srshl v28.4s, v28.4s, v12.4s
	WORD $0x4ead57bd // srshl v29.4s, v29.4s, v13.4s
	WORD $0x4eae57de // srshl v30.4s, v30.4s, v14.4s
	WORD $0x4eaf57ff // srshl v31.4s, v31.4s, v15.4s
	WORD $0x4ea08610 // add v16.4s, v16.4s, v0.4s
	WORD $0x4ea08631 // add v17.4s, v17.4s, v0.4s
	WORD $0x4ea08652 // add v18.4s, v18.4s, v0.4s
	WORD $0x4ea08673 // add v19.4s, v19.4s, v0.4s
	WORD $0x4ea08694 // add v20.4s, v20.4s, v0.4s
	WORD $0x4ea086b5 // add v21.4s, v21.4s, v0.4s
	WORD $0x4ea086d6 // add v22.4s, v22.4s, v0.4s
	WORD $0x4ea086f7 // add v23.4s, v23.4s, v0.4s
	WORD $0x4ea08718 // add v24.4s, v24.4s, v0.4s
	WORD $0x4ea08739 // add v25.4s, v25.4s, v0.4s
	WORD $0x4ea0875a // add v26.4s, v26.4s, v0.4s
	WORD $0x4ea0877b // add v27.4s, v27.4s, v0.4s
	WORD $0x4ea0879c // add v28.4s, v28.4s, v0.4s
	WORD $0x4ea087bd // add v29.4s, v29.4s, v0.4s
	WORD $0x4ea087de // add v30.4s, v30.4s, v0.4s
	WORD $0x4ea087ff // add v31.4s, v31.4s, v0.4s
	WORD $0x0e614a10 // sqxtn v16.4h, v16.4s
	WORD $0x4e614a30 // sqxtn2 v16.8h, v17.4s
	WORD $0x0e614a52 // sqxtn v18.4h, v18.4s
	WORD $0x4e614a72 // sqxtn2 v18.8h, v19.4s
	WORD $0x0e614a94 // sqxtn v20.4h, v20.4s
	WORD $0x4e614ab4 // sqxtn2 v20.8h, v21.4s
	WORD $0x0e614ad6 // sqxtn v22.4h, v22.4s
	WORD $0x4e614af6 // sqxtn2 v22.8h, v23.4s
	WORD $0x0e614b18 // sqxtn v24.4h, v24.4s
	WORD $0x4e614b38 // sqxtn2 v24.8h, v25.4s
	WORD $0x0e614b5a // sqxtn v26.4h, v26.4s
	WORD $0x4e614b7a // sqxtn2 v26.8h, v27.4s
	WORD $0x0e614b9c // sqxtn v28.4h, v28.4s
	WORD $0x4e614bbc // sqxtn2 v28.8h, v29.4s
	WORD $0x0e614bde // sqxtn v30.4h, v30.4s
	WORD $0x4e614bfe // sqxtn2 v30.8h, v31.4s
	B dot_narrow4

dot_right4:
	ADD $64, R19
	VLD1.P 64(R19), [V12.S4, V13.S4, V14.S4, V15.S4] // right shifts
	WORD $0x6ea4b610 // sqrdmulh v16.4s, v16.4s, v4.4s
	WORD $0x6ea5b631 // sqrdmulh v17.4s, v17.4s, v5.4s
	WORD $0x6ea6b652 // sqrdmulh v18.4s, v18.4s, v6.4s
	WORD $0x6ea7b673 // sqrdmulh v19.4s, v19.4s, v7.4s
	WORD $0x6ea4b694 // sqrdmulh v20.4s, v20.4s, v4.4s
	WORD $0x6ea5b6b5 // sqrdmulh v21.4s, v21.4s, v5.4s
	WORD $0x6ea6b6d6 // sqrdmulh v22.4s, v22.4s, v6.4s
	WORD $0x6ea7b6f7 // sqrdmulh v23.4s, v23.4s, v7.4s
	WORD $0x6ea4b718 // sqrdmulh v24.4s, v24.4s, v4.4s
	WORD $0x6ea5b739 // sqrdmulh v25.4s, v25.4s, v5.4s
	WORD $0x6ea6b75a // sqrdmulh v26.4s, v26.4s, v6.4s
	WORD $0x6ea7b77b // sqrdmulh v27.4s, v27.4s, v7.4s
	WORD $0x6ea4b79c // sqrdmulh v28.4s, v28.4s, v4.4s
	WORD $0x6ea5b7bd // sqrdmulh v29.4s, v29.4s, v5.4s
	WORD $0x6ea6b7de // sqrdmulh v30.4s, v30.4s, v6.4s
	WORD $0x6ea7b7ff // sqrdmulh v31.4s, v31.4s, v7.4s
	WORD $0x4f211610 // ssra v16.4s, v16.4s, #31
	WORD $0x4f211631 // ssra v17.4s, v17.4s, #31
	WORD $0x4f211652 // ssra v18.4s, v18.4s, #31
	WORD $0x4f211673 // ssra v19.4s, v19.4s, #31
	WORD $0x4f211694 // ssra v20.4s, v20.4s, #31
	WORD $0x4f2116b5 // ssra v21.4s, v21.4s, #31
	WORD $0x4f2116d6 // ssra v22.4s, v22.4s, #31
	WORD $0x4f2116f7 // ssra v23.4s, v23.4s, #31
	WORD $0x4f211718 // ssra v24.4s, v24.4s, #31
	WORD $0x4f211739 // ssra v25.4s, v25.4s, #31
	WORD $0x4f21175a // ssra v26.4s, v26.4s, #31
	WORD $0x4f21177b // ssra v27.4s, v27.4s, #31
	WORD $0x4f21179c // ssra v28.4s, v28.4s, #31
	WORD $0x4f2117bd // ssra v29.4s, v29.4s, #31
	WORD $0x4f2117de // ssra v30.4s, v30.4s, #31
	WORD $0x4f2117ff // ssra v31.4s, v31.4s, #31
	WORD $0x4eac5610 // srshl v16.4s, v16.4s, v12.4s
	WORD $0x4ead5631 // srshl v17.4s, v17.4s, v13.4s
	WORD $0x4eae5652 // srshl v18.4s, v18.4s, v14.4s
	WORD $0x4eaf5673 // srshl v19.4s, v19.4s, v15.4s
	WORD $0x4eac5694 // srshl v20.4s, v20.4s, v12.4s
	WORD $0x4ead56b5 // srshl v21.4s, v21.4s, v13.4s
	WORD $0x4eae56d6 // srshl v22.4s, v22.4s, v14.4s
	WORD $0x4eaf56f7 // srshl v23.4s, v23.4s, v15.4s
	WORD $0x4eac5718 // srshl v24.4s, v24.4s, v12.4s
	WORD $0x4ead5739 // srshl v25.4s, v25.4s, v13.4s
	WORD $0x4eae575a // srshl v26.4s, v26.4s, v14.4s
	WORD $0x4eaf577b // srshl v27.4s, v27.4s, v15.4s
	WORD $0x4eac579c // srshl v28.4s, v28.4s, v12.4s
	WORD $0x4ead57bd // srshl v29.4s, v29.4s, v13.4s
	WORD $0x4eae57de // srshl v30.4s, v30.4s, v14.4s
	WORD $0x4eaf57ff // srshl v31.4s, v31.4s, v15.4s
	WORD $0x0e614a10 // sqxtn v16.4h, v16.4s
	WORD $0x4e614a30 // sqxtn2 v16.8h, v17.4s
	WORD $0x0e614a52 // sqxtn v18.4h, v18.4s
	WORD $0x4e614a72 // sqxtn2 v18.8h, v19.4s
	WORD $0x4e610e10 // sqadd v16.8h, v16.8h, v1.8h
	WORD $0x4e610e52 // sqadd v18.8h, v18.8h, v1.8h
	WORD $0x0e614a94 // sqxtn v20.4h, v20.4s
	WORD $0x4e614ab4 // sqxtn2 v20.8h, v21.4s
	WORD $0x0e614ad6 // sqxtn v22.4h, v22.4s
	WORD $0x4e614af6 // sqxtn2 v22.8h, v23.4s
	WORD $0x4e610e94 // sqadd v20.8h, v20.8h, v1.8h
	WORD $0x4e610ed6 // sqadd v22.8h, v22.8h, v1.8h
	WORD $0x0e614b18 // sqxtn v24.4h, v24.4s
	WORD $0x4e614b38 // sqxtn2 v24.8h, v25.4s
	WORD $0x0e614b5a // sqxtn v26.4h, v26.4s
	WORD $0x4e614b7a // sqxtn2 v26.8h, v27.4s
	WORD $0x4e610f18 // sqadd v24.8h, v24.8h, v1.8h
	WORD $0x4e610f5a // sqadd v26.8h, v26.8h, v1.8h
	WORD $0x0e614b9c // sqxtn v28.4h, v28.4s
	WORD $0x4e614bbc // sqxtn2 v28.8h, v29.4s
	WORD $0x0e614bde // sqxtn v30.4h, v30.4s
	WORD $0x4e614bfe // sqxtn2 v30.8h, v31.4s
	WORD $0x4e610f9c // sqadd v28.8h, v28.8h, v1.8h
	WORD $0x4e610fde // sqadd v30.8h, v30.8h, v1.8h

dot_narrow4:
	WORD $0x0e214a10 // sqxtn v16.8b, v16.8h
	WORD $0x4e214a50 // sqxtn2 v16.16b, v18.8h
	WORD $0x4e226610 // smax v16.16b, v16.16b, v2.16b
	WORD $0x4e236e10 // smin v16.16b, v16.16b, v3.16b
	WORD $0x0e214a94 // sqxtn v20.8b, v20.8h
	WORD $0x4e214ad4 // sqxtn2 v20.16b, v22.8h
	WORD $0x4e226694 // smax v20.16b, v20.16b, v2.16b
	WORD $0x4e236e94 // smin v20.16b, v20.16b, v3.16b
	WORD $0x0e214b18 // sqxtn v24.8b, v24.8h
	WORD $0x4e214b58 // sqxtn2 v24.16b, v26.8h
	WORD $0x4e226718 // smax v24.16b, v24.16b, v2.16b
	WORD $0x4e236f18 // smin v24.16b, v24.16b, v3.16b
	WORD $0x0e214b9c // sqxtn v28.8b, v28.8h
	WORD $0x4e214bdc // sqxtn2 v28.16b, v30.8h
	WORD $0x4e22679c // smax v28.16b, v28.16b, v2.16b
	WORD $0x4e236f9c // smin v28.16b, v28.16b, v3.16b
	CBNZ R20, dot_full4
	CMP $16, R10
	BNE dot_part4

dot_full4:
	MOVD R22, R23
	VST1.P [V16.B16], (R23)(R9)
	VST1.P [V20.B16], (R23)(R9)
	VST1.P [V24.B16], (R23)(R9)
	VST1 [V28.B16], (R23)
	ADD $16, R22
	CBNZ R20, dot_block4
	B dot_next4

dot_part4:
	MOVD R22, R24
	MOVD R24, R23
	TBZ $3, R10, 3(PC)
	VST1.P V16.D[0], 8(R23)
	VEXT $8, V16.B16, V16.B16, V16.B16
	TBZ $2, R10, 3(PC)
	VST1.P V16.S[0], 4(R23)
	VEXT $4, V16.B16, V16.B16, V16.B16
	TBZ $1, R10, 3(PC)
	VST1.P V16.H[0], 2(R23)
	VEXT $2, V16.B16, V16.B16, V16.B16
	TBZ $0, R10, 2(PC)
	VST1 V16.B[0], (R23)
	ADD R9, R24
	MOVD R24, R23
	TBZ $3, R10, 3(PC)
	VST1.P V20.D[0], 8(R23)
	VEXT $8, V20.B16, V20.B16, V20.B16
	TBZ $2, R10, 3(PC)
	VST1.P V20.S[0], 4(R23)
	VEXT $4, V20.B16, V20.B16, V20.B16
	TBZ $1, R10, 3(PC)
	VST1.P V20.H[0], 2(R23)
	VEXT $2, V20.B16, V20.B16, V20.B16
	TBZ $0, R10, 2(PC)
	VST1 V20.B[0], (R23)
	ADD R9, R24
	MOVD R24, R23
	TBZ $3, R10, 3(PC)
	VST1.P V24.D[0], 8(R23)
	VEXT $8, V24.B16, V24.B16, V24.B16
	TBZ $2, R10, 3(PC)
	VST1.P V24.S[0], 4(R23)
	VEXT $4, V24.B16, V24.B16, V24.B16
	TBZ $1, R10, 3(PC)
	VST1.P V24.H[0], 2(R23)
	VEXT $2, V24.B16, V24.B16, V24.B16
	TBZ $0, R10, 2(PC)
	VST1 V24.B[0], (R23)
	ADD R9, R24
	MOVD R24, R23
	TBZ $3, R10, 3(PC)
	VST1.P V28.D[0], 8(R23)
	VEXT $8, V28.B16, V28.B16, V28.B16
	TBZ $2, R10, 3(PC)
	VST1.P V28.S[0], 4(R23)
	VEXT $4, V28.B16, V28.B16, V28.B16
	TBZ $1, R10, 3(PC)
	VST1.P V28.H[0], 2(R23)
	VEXT $2, V28.B16, V28.B16, V28.B16
	TBZ $0, R10, 2(PC)
	VST1 V28.B[0], (R23)

dot_next4:
	ADD R2<<2, R1, R1
	ADD R9<<2, R8, R8
	SUB $4, R3
	B dot_rows4

dot_rows1:
	CBZ R3, dot_done
	MOVD R4, R17
	MOVD R5, R19
	MOVD R6, R20
	MOVD R8, R22

dot_block1:
	SUB $1, R20
	MOVD R1, R13
	VLD1.P 64(R19), [V16.S4, V17.S4, V18.S4, V19.S4] // bias
	MOVD R7, R21
	CBZ R21, dot_requant1

dot_chunk1:
	VLD1.P 16(R13), [V0.B16]
	VLD1.P 64(R17), [V4.B16, V5.B16, V6.B16, V7.B16]
	VLD1.P 64(R17), [V8.B16, V9.B16, V10.B16, V11.B16]
	VLD1.P 64(R17), [V12.B16, V13.B16, V14.B16, V15.B16]
	VLD1.P 64(R17), [V20.B16, V21.B16, V22.B16, V23.B16]
	WORD $0x4f80e090 // sdot v16.4s, v4.16b, v0.4b[0]
	WORD $0x4f80e111 // sdot v17.4s, v8.16b, v0.4b[0]
	WORD $0x4f80e192 // sdot v18.4s, v12.16b, v0.4b[0]
	WORD $0x4f80e293 // sdot v19.4s, v20.16b, v0.4b[0]
	WORD $0x4fa0e0b0 // sdot v16.4s, v5.16b, v0.4b[1]
	WORD $0x4fa0e131 // sdot v17.4s, v9.16b, v0.4b[1]
	WORD $0x4fa0e1b2 // sdot v18.4s, v13.16b, v0.4b[1]
	WORD $0x4fa0e2b3 // sdot v19.4s, v21.16b, v0.4b[1]
	WORD $0x4f80e8d0 // sdot v16.4s, v6.16b, v0.4b[2]
	WORD $0x4f80e951 // sdot v17.4s, v10.16b, v0.4b[2]
	WORD $0x4f80e9d2 // sdot v18.4s, v14.16b, v0.4b[2]
	WORD $0x4f80ead3 // sdot v19.4s, v22.16b, v0.4b[2]
	WORD $0x4fa0e8f0 // sdot v16.4s, v7.16b, v0.4b[3]
	WORD $0x4fa0e971 // sdot v17.4s, v11.16b, v0.4b[3]
	WORD $0x4fa0e9f2 // sdot v18.4s, v15.16b, v0.4b[3]
	WORD $0x4fa0eaf3 // sdot v19.4s, v23.16b, v0.4b[3]
	SUBS $1, R21
	BNE dot_chunk1

dot_requant1:
	VLD1 (R0), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1.P 64(R19), [V4.S4, V5.S4, V6.S4, V7.S4]
	TBNZ $0, R12, dot_right1
	VLD1.P 64(R19), [V8.S4, V9.S4, V10.S4, V11.S4]
	VLD1.P 64(R19), [V12.S4, V13.S4, V14.S4, V15.S4]
	WORD $0x4ea84610 // sshl v16.4s, v16.4s, v8.4s
	WORD $0x4ea94631 // sshl v17.4s, v17.4s, v9.4s
	WORD $0x4eaa4652 // sshl v18.4s, v18.4s, v10.4s
	WORD $0x4eab4673 // sshl v19.4s, v19.4s, v11.4s
	WORD $0x6ea4b610 // sqrdmulh v16.4s, v16.4s, v4.4s
	WORD $0x6ea5b631 // sqrdmulh v17.4s, v17.4s, v5.4s
	WORD $0x6ea6b652 // sqrdmulh v18.4s, v18.4s, v6.4s
	WORD $0x6ea7b673 // sqrdmulh v19.4s, v19.4s, v7.4s
	WORD $0x4e2c1e08 // and v8.16b, v16.16b, v12.16b
	WORD $0x4f211510 // ssra v16.4s, v8.4s, #31
	WORD $0x4e2d1e28 // and v8.16b, v17.16b, v13.16b
	WORD $0x4f211511 // ssra v17.4s, v8.4s, #31
	WORD $0x4e2e1e48 // and v8.16b, v18.16b, v14.16b
	WORD $0x4f211512 // ssra v18.4s, v8.4s, #31
	WORD $0x4e2f1e68 // and v8.16b, v19.16b, v15.16b
	WORD $0x4f211513 // ssra v19.4s, v8.4s, #31
	WORD $0x4eac5610 // srshl v16.4s, v16.4s, v12.4s
	WORD $0x4ead5631 // srshl v17.4s, v17.4s, v13.4s
	WORD $0x4eae5652 // srshl v18.4s, v18.4s, v14.4s
	WORD $0x4eaf5673 // srshl v19.4s, v19.4s, v15.4s
	WORD $0x4ea08610 // add v16.4s, v16.4s, v0.4s
	WORD $0x4ea08631 // add v17.4s, v17.4s, v0.4s
	WORD $0x4ea08652 // add v18.4s, v18.4s, v0.4s
	WORD $0x4ea08673 // add v19.4s, v19.4s, v0.4s
	WORD $0x0e614a10 // sqxtn v16.4h, v16.4s
	WORD $0x4e614a30 // sqxtn2 v16.8h, v17.4s
	WORD $0x0e614a52 // sqxtn v18.4h, v18.4s
	WORD $0x4e614a72 // sqxtn2 v18.8h, v19.4s
	B dot_narrow1

dot_right1:
	ADD $64, R19
	VLD1.P 64(R19), [V12.S4, V13.S4, V14.S4, V15.S4]
	WORD $0x6ea4b610 // sqrdmulh v16.4s, v16.4s, v4.4s
	WORD $0x6ea5b631 // sqrdmulh v17.4s, v17.4s, v5.4s
	WORD $0x6ea6b652 // sqrdmulh v18.4s, v18.4s, v6.4s
	WORD $0x6ea7b673 // sqrdmulh v19.4s, v19.4s, v7.4s
	WORD $0x4f211610 // ssra v16.4s, v16.4s, #31
	WORD $0x4f211631 // ssra v17.4s, v17.4s, #31
	WORD $0x4f211652 // ssra v18.4s, v18.4s, #31
	WORD $0x4f211673 // ssra v19.4s, v19.4s, #31
	WORD $0x4eac5610 // srshl v16.4s, v16.4s, v12.4s
	WORD $0x4ead5631 // srshl v17.4s, v17.4s, v13.4s
	WORD $0x4eae5652 // srshl v18.4s, v18.4s, v14.4s
	WORD $0x4eaf5673 // srshl v19.4s, v19.4s, v15.4s
	WORD $0x0e614a10 // sqxtn v16.4h, v16.4s
	WORD $0x4e614a30 // sqxtn2 v16.8h, v17.4s
	WORD $0x0e614a52 // sqxtn v18.4h, v18.4s
	WORD $0x4e614a72 // sqxtn2 v18.8h, v19.4s
	WORD $0x4e610e10 // sqadd v16.8h, v16.8h, v1.8h
	WORD $0x4e610e52 // sqadd v18.8h, v18.8h, v1.8h

dot_narrow1:
	WORD $0x0e214a10 // sqxtn v16.8b, v16.8h
	WORD $0x4e214a50 // sqxtn2 v16.16b, v18.8h
	WORD $0x4e226610 // smax v16.16b, v16.16b, v2.16b
	WORD $0x4e236e10 // smin v16.16b, v16.16b, v3.16b
	CBNZ R20, dot_full1
	CMP $16, R10
	BNE dot_part1

dot_full1:
	VST1 [V16.B16], (R22)
	ADD $16, R22
	CBNZ R20, dot_block1
	B dot_next1

dot_part1:
	MOVD R22, R23
	TBZ $3, R10, 3(PC)
	VST1.P V16.D[0], 8(R23)
	VEXT $8, V16.B16, V16.B16, V16.B16
	TBZ $2, R10, 3(PC)
	VST1.P V16.S[0], 4(R23)
	VEXT $4, V16.B16, V16.B16, V16.B16
	TBZ $1, R10, 3(PC)
	VST1.P V16.H[0], 2(R23)
	VEXT $2, V16.B16, V16.B16, V16.B16
	TBZ $0, R10, 2(PC)
	VST1 V16.B[0], (R23)

dot_next1:
	ADD R2, R1
	ADD R9, R8
	SUB $1, R3
	B dot_rows1

dot_done:
	RET

// func gemmNEONInt8(a *gemmArgs)
//
// ASIMD core: tiles of 4 rows × 4 channels; accumulator V(16+4p+c) holds
// int32 partial sums of row p and channel c. SMULL and SMLAL2 add two
// products per int16 lane (the weights are never −128, so a pair fits),
// SADALP adds the pairs into the int32 lanes (SADDLP starts them, in the
// first chunk), ADDP sums the lanes at the end. Then single rows.
TEXT ·gemmNEONInt8(SB), NOSPLIT, $0-8
	MOVD a+0(FP), R0
	MOVD 64(R0), R1
	MOVD 72(R0), R2
	MOVD 80(R0), R3
	MOVD 88(R0), R4
	MOVD 96(R0), R5
	MOVD 104(R0), R6
	MOVD 112(R0), R7
	MOVD 120(R0), R8
	MOVD 128(R0), R9
	MOVD 136(R0), R10
	MOVD 144(R0), R12

neon_rows4:
	CMP $4, R3
	BLT neon_rows1
	MOVD R4, R17
	MOVD R5, R19
	MOVD R6, R20
	MOVD R8, R22

neon_block4:
	SUB $1, R20

	MOVD R1, R13
	ADD R2, R13, R14
	ADD R2, R14, R15
	ADD R2, R15, R16
	MOVD R7, R21
	CBNZ R21, neon_first4
	VEOR V16.B16, V16.B16, V16.B16
	VEOR V17.B16, V17.B16, V17.B16
	VEOR V18.B16, V18.B16, V18.B16
	VEOR V19.B16, V19.B16, V19.B16
	VEOR V20.B16, V20.B16, V20.B16
	VEOR V21.B16, V21.B16, V21.B16
	VEOR V22.B16, V22.B16, V22.B16
	VEOR V23.B16, V23.B16, V23.B16
	VEOR V24.B16, V24.B16, V24.B16
	VEOR V25.B16, V25.B16, V25.B16
	VEOR V26.B16, V26.B16, V26.B16
	VEOR V27.B16, V27.B16, V27.B16
	VEOR V28.B16, V28.B16, V28.B16
	VEOR V29.B16, V29.B16, V29.B16
	VEOR V30.B16, V30.B16, V30.B16
	VEOR V31.B16, V31.B16, V31.B16
	B neon_requant4

neon_first4:
	VLD1.P 16(R13), [V0.B16]
	VLD1.P 16(R14), [V1.B16]
	VLD1.P 16(R15), [V2.B16]
	VLD1.P 16(R16), [V3.B16]
	VLD1.P 64(R17), [V4.B16, V5.B16, V6.B16, V7.B16]
	WORD $0x0e24c008 // smull v8.8h, v0.8b, v4.8b
	WORD $0x0e24c029 // smull v9.8h, v1.8b, v4.8b
	WORD $0x0e24c04a // smull v10.8h, v2.8b, v4.8b
	WORD $0x0e24c06b // smull v11.8h, v3.8b, v4.8b
	WORD $0x0e25c00c // smull v12.8h, v0.8b, v5.8b
	WORD $0x0e25c02d // smull v13.8h, v1.8b, v5.8b
	WORD $0x0e25c04e // smull v14.8h, v2.8b, v5.8b
	WORD $0x0e25c06f // smull v15.8h, v3.8b, v5.8b
	WORD $0x4e248008 // smlal2 v8.8h, v0.16b, v4.16b
	WORD $0x4e248029 // smlal2 v9.8h, v1.16b, v4.16b
	WORD $0x4e24804a // smlal2 v10.8h, v2.16b, v4.16b
	WORD $0x4e24806b // smlal2 v11.8h, v3.16b, v4.16b
	WORD $0x4e25800c // smlal2 v12.8h, v0.16b, v5.16b
	WORD $0x4e25802d // smlal2 v13.8h, v1.16b, v5.16b
	WORD $0x4e25804e // smlal2 v14.8h, v2.16b, v5.16b
	WORD $0x4e25806f // smlal2 v15.8h, v3.16b, v5.16b
	WORD $0x4e602910 // saddlp v16.4s, v8.8h
	WORD $0x4e602934 // saddlp v20.4s, v9.8h
	WORD $0x4e602958 // saddlp v24.4s, v10.8h
	WORD $0x4e60297c // saddlp v28.4s, v11.8h
	WORD $0x4e602991 // saddlp v17.4s, v12.8h
	WORD $0x4e6029b5 // saddlp v21.4s, v13.8h
	WORD $0x4e6029d9 // saddlp v25.4s, v14.8h
	WORD $0x4e6029fd // saddlp v29.4s, v15.8h
	WORD $0x0e26c008 // smull v8.8h, v0.8b, v6.8b
	WORD $0x0e26c029 // smull v9.8h, v1.8b, v6.8b
	WORD $0x0e26c04a // smull v10.8h, v2.8b, v6.8b
	WORD $0x0e26c06b // smull v11.8h, v3.8b, v6.8b
	WORD $0x0e27c00c // smull v12.8h, v0.8b, v7.8b
	WORD $0x0e27c02d // smull v13.8h, v1.8b, v7.8b
	WORD $0x0e27c04e // smull v14.8h, v2.8b, v7.8b
	WORD $0x0e27c06f // smull v15.8h, v3.8b, v7.8b
	WORD $0x4e268008 // smlal2 v8.8h, v0.16b, v6.16b
	WORD $0x4e268029 // smlal2 v9.8h, v1.16b, v6.16b
	WORD $0x4e26804a // smlal2 v10.8h, v2.16b, v6.16b
	WORD $0x4e26806b // smlal2 v11.8h, v3.16b, v6.16b
	WORD $0x4e27800c // smlal2 v12.8h, v0.16b, v7.16b
	WORD $0x4e27802d // smlal2 v13.8h, v1.16b, v7.16b
	WORD $0x4e27804e // smlal2 v14.8h, v2.16b, v7.16b
	WORD $0x4e27806f // smlal2 v15.8h, v3.16b, v7.16b
	WORD $0x4e602912 // saddlp v18.4s, v8.8h
	WORD $0x4e602936 // saddlp v22.4s, v9.8h
	WORD $0x4e60295a // saddlp v26.4s, v10.8h
	WORD $0x4e60297e // saddlp v30.4s, v11.8h
	WORD $0x4e602993 // saddlp v19.4s, v12.8h
	WORD $0x4e6029b7 // saddlp v23.4s, v13.8h
	WORD $0x4e6029db // saddlp v27.4s, v14.8h
	WORD $0x4e6029ff // saddlp v31.4s, v15.8h
	SUBS $1, R21
	BEQ neon_requant4

neon_chunk4:
	VLD1.P 16(R13), [V0.B16]
	VLD1.P 16(R14), [V1.B16]
	VLD1.P 16(R15), [V2.B16]
	VLD1.P 16(R16), [V3.B16]
	VLD1.P 64(R17), [V4.B16, V5.B16, V6.B16, V7.B16]
	WORD $0x0e24c008 // smull v8.8h, v0.8b, v4.8b
	WORD $0x0e24c029 // smull v9.8h, v1.8b, v4.8b
	WORD $0x0e24c04a // smull v10.8h, v2.8b, v4.8b
	WORD $0x0e24c06b // smull v11.8h, v3.8b, v4.8b
	WORD $0x0e25c00c // smull v12.8h, v0.8b, v5.8b
	WORD $0x0e25c02d // smull v13.8h, v1.8b, v5.8b
	WORD $0x0e25c04e // smull v14.8h, v2.8b, v5.8b
	WORD $0x0e25c06f // smull v15.8h, v3.8b, v5.8b
	WORD $0x4e248008 // smlal2 v8.8h, v0.16b, v4.16b
	WORD $0x4e248029 // smlal2 v9.8h, v1.16b, v4.16b
	WORD $0x4e24804a // smlal2 v10.8h, v2.16b, v4.16b
	WORD $0x4e24806b // smlal2 v11.8h, v3.16b, v4.16b
	WORD $0x4e25800c // smlal2 v12.8h, v0.16b, v5.16b
	WORD $0x4e25802d // smlal2 v13.8h, v1.16b, v5.16b
	WORD $0x4e25804e // smlal2 v14.8h, v2.16b, v5.16b
	WORD $0x4e25806f // smlal2 v15.8h, v3.16b, v5.16b
	WORD $0x4e606910 // sadalp v16.4s, v8.8h
	WORD $0x4e606934 // sadalp v20.4s, v9.8h
	WORD $0x4e606958 // sadalp v24.4s, v10.8h
	WORD $0x4e60697c // sadalp v28.4s, v11.8h
	WORD $0x4e606991 // sadalp v17.4s, v12.8h
	WORD $0x4e6069b5 // sadalp v21.4s, v13.8h
	WORD $0x4e6069d9 // sadalp v25.4s, v14.8h
	WORD $0x4e6069fd // sadalp v29.4s, v15.8h
	WORD $0x0e26c008 // smull v8.8h, v0.8b, v6.8b
	WORD $0x0e26c029 // smull v9.8h, v1.8b, v6.8b
	WORD $0x0e26c04a // smull v10.8h, v2.8b, v6.8b
	WORD $0x0e26c06b // smull v11.8h, v3.8b, v6.8b
	WORD $0x0e27c00c // smull v12.8h, v0.8b, v7.8b
	WORD $0x0e27c02d // smull v13.8h, v1.8b, v7.8b
	WORD $0x0e27c04e // smull v14.8h, v2.8b, v7.8b
	WORD $0x0e27c06f // smull v15.8h, v3.8b, v7.8b
	WORD $0x4e268008 // smlal2 v8.8h, v0.16b, v6.16b
	WORD $0x4e268029 // smlal2 v9.8h, v1.16b, v6.16b
	WORD $0x4e26804a // smlal2 v10.8h, v2.16b, v6.16b
	WORD $0x4e26806b // smlal2 v11.8h, v3.16b, v6.16b
	WORD $0x4e27800c // smlal2 v12.8h, v0.16b, v7.16b
	WORD $0x4e27802d // smlal2 v13.8h, v1.16b, v7.16b
	WORD $0x4e27804e // smlal2 v14.8h, v2.16b, v7.16b
	WORD $0x4e27806f // smlal2 v15.8h, v3.16b, v7.16b
	WORD $0x4e606912 // sadalp v18.4s, v8.8h
	WORD $0x4e606936 // sadalp v22.4s, v9.8h
	WORD $0x4e60695a // sadalp v26.4s, v10.8h
	WORD $0x4e60697e // sadalp v30.4s, v11.8h
	WORD $0x4e606993 // sadalp v19.4s, v12.8h
	WORD $0x4e6069b7 // sadalp v23.4s, v13.8h
	WORD $0x4e6069db // sadalp v27.4s, v14.8h
	WORD $0x4e6069ff // sadalp v31.4s, v15.8h
	SUBS $1, R21
	BNE neon_chunk4

neon_requant4:
	WORD $0x4eb1be10 // addp v16.4s, v16.4s, v17.4s
	WORD $0x4eb3be51 // addp v17.4s, v18.4s, v19.4s
	WORD $0x4eb1be10 // addp v16.4s, v16.4s, v17.4s
	WORD $0x4eb5be94 // addp v20.4s, v20.4s, v21.4s
	WORD $0x4eb7bed5 // addp v21.4s, v22.4s, v23.4s
	WORD $0x4eb5be94 // addp v20.4s, v20.4s, v21.4s
	WORD $0x4eb9bf18 // addp v24.4s, v24.4s, v25.4s
	WORD $0x4ebbbf59 // addp v25.4s, v26.4s, v27.4s
	WORD $0x4eb9bf18 // addp v24.4s, v24.4s, v25.4s
	WORD $0x4ebdbf9c // addp v28.4s, v28.4s, v29.4s
	WORD $0x4ebfbfdd // addp v29.4s, v30.4s, v31.4s
	WORD $0x4ebdbf9c // addp v28.4s, v28.4s, v29.4s
	VLD1 (R0), [V0.S4, V1.S4, V2.S4, V3.S4]      // zero points, min, max
	VLD1.P 64(R19), [V4.S4, V5.S4, V6.S4, V7.S4] // bias, multipliers, left and right shifts
	VADD V4.S4, V16.S4, V16.S4
	VADD V4.S4, V20.S4, V20.S4
	VADD V4.S4, V24.S4, V24.S4
	VADD V4.S4, V28.S4, V28.S4
	TBNZ $0, R12, neon_right4
	WORD $0x4ea64610 // sshl v16.4s, v16.4s, v6.4s
	WORD $0x4ea64694 // sshl v20.4s, v20.4s, v6.4s
	WORD $0x4ea64718 // sshl v24.4s, v24.4s, v6.4s
	WORD $0x4ea6479c // sshl v28.4s, v28.4s, v6.4s
	WORD $0x6ea5b610 // sqrdmulh v16.4s, v16.4s, v5.4s
	WORD $0x6ea5b694 // sqrdmulh v20.4s, v20.4s, v5.4s
	WORD $0x6ea5b718 // sqrdmulh v24.4s, v24.4s, v5.4s
	WORD $0x6ea5b79c // sqrdmulh v28.4s, v28.4s, v5.4s
	WORD $0x4e271e08 // and v8.16b, v16.16b, v7.16b
	WORD $0x4f211510 // ssra v16.4s, v8.4s, #31
	WORD $0x4e271e88 // and v8.16b, v20.16b, v7.16b
	WORD $0x4f211514 // ssra v20.4s, v8.4s, #31
	WORD $0x4e271f08 // and v8.16b, v24.16b, v7.16b
	WORD $0x4f211518 // ssra v24.4s, v8.4s, #31
	WORD $0x4e271f88 // and v8.16b, v28.16b, v7.16b
	WORD $0x4f21151c // ssra v28.4s, v8.4s, #31
	WORD $0x4ea75610 // srshl v16.4s, v16.4s, v7.4s
	WORD $0x4ea75694 // srshl v20.4s, v20.4s, v7.4s
	WORD $0x4ea75718 // srshl v24.4s, v24.4s, v7.4s
	WORD $0x4ea7579c // srshl v28.4s, v28.4s, v7.4s
	WORD $0x4ea08610 // add v16.4s, v16.4s, v0.4s
	WORD $0x4ea08694 // add v20.4s, v20.4s, v0.4s
	WORD $0x4ea08718 // add v24.4s, v24.4s, v0.4s
	WORD $0x4ea0879c // add v28.4s, v28.4s, v0.4s
	WORD $0x0e614a10 // sqxtn v16.4h, v16.4s
	WORD $0x4e614a90 // sqxtn2 v16.8h, v20.4s
	WORD $0x0e614b18 // sqxtn v24.4h, v24.4s
	WORD $0x4e614b98 // sqxtn2 v24.8h, v28.4s
	B neon_narrow4

neon_right4:
	WORD $0x6ea5b610 // sqrdmulh v16.4s, v16.4s, v5.4s
	WORD $0x6ea5b694 // sqrdmulh v20.4s, v20.4s, v5.4s
	WORD $0x6ea5b718 // sqrdmulh v24.4s, v24.4s, v5.4s
	WORD $0x6ea5b79c // sqrdmulh v28.4s, v28.4s, v5.4s
	WORD $0x4f211610 // ssra v16.4s, v16.4s, #31
	WORD $0x4f211694 // ssra v20.4s, v20.4s, #31
	WORD $0x4f211718 // ssra v24.4s, v24.4s, #31
	WORD $0x4f21179c // ssra v28.4s, v28.4s, #31
	WORD $0x4ea75610 // srshl v16.4s, v16.4s, v7.4s
	WORD $0x4ea75694 // srshl v20.4s, v20.4s, v7.4s
	WORD $0x4ea75718 // srshl v24.4s, v24.4s, v7.4s
	WORD $0x4ea7579c // srshl v28.4s, v28.4s, v7.4s
	WORD $0x0e614a10 // sqxtn v16.4h, v16.4s
	WORD $0x4e614a90 // sqxtn2 v16.8h, v20.4s
	WORD $0x0e614b18 // sqxtn v24.4h, v24.4s
	WORD $0x4e614b98 // sqxtn2 v24.8h, v28.4s
	WORD $0x4e610e10 // sqadd v16.8h, v16.8h, v1.8h
	WORD $0x4e610f18 // sqadd v24.8h, v24.8h, v1.8h

neon_narrow4:
	WORD $0x0e214a10 // sqxtn v16.8b, v16.8h
	WORD $0x4e214b10 // sqxtn2 v16.16b, v24.8h
	WORD $0x4e226610 // smax v16.16b, v16.16b, v2.16b
	WORD $0x4e236e10 // smin v16.16b, v16.16b, v3.16b
	CBNZ R20, neon_full4
	CMP $4, R10
	BNE neon_part4

neon_full4:
	MOVD R22, R23
	VST1.P V16.S[0], (R23)(R9)
	VST1.P V16.S[1], (R23)(R9)
	VST1.P V16.S[2], (R23)(R9)
	VST1 V16.S[3], (R23)
	ADD $4, R22
	CBNZ R20, neon_block4
	B neon_next4

neon_part4:
	MOVD R22, R23
	VMOV V16.S[0], R24
	MOVD R23, R25
	TBZ $1, R10, 4(PC)
	MOVH R24, (R25)
	LSR $16, R24, R24
	ADD $2, R25
	TBZ $0, R10, 2(PC)
	MOVB R24, (R25)
	ADD R9, R23
	VMOV V16.S[1], R24
	MOVD R23, R25
	TBZ $1, R10, 4(PC)
	MOVH R24, (R25)
	LSR $16, R24, R24
	ADD $2, R25
	TBZ $0, R10, 2(PC)
	MOVB R24, (R25)
	ADD R9, R23
	VMOV V16.S[2], R24
	MOVD R23, R25
	TBZ $1, R10, 4(PC)
	MOVH R24, (R25)
	LSR $16, R24, R24
	ADD $2, R25
	TBZ $0, R10, 2(PC)
	MOVB R24, (R25)
	ADD R9, R23
	VMOV V16.S[3], R24
	MOVD R23, R25
	TBZ $1, R10, 4(PC)
	MOVH R24, (R25)
	LSR $16, R24, R24
	ADD $2, R25
	TBZ $0, R10, 2(PC)
	MOVB R24, (R25)

neon_next4:
	ADD R2<<2, R1, R1
	ADD R9<<2, R8, R8
	SUB $4, R3
	B neon_rows4

neon_rows1:
	CBZ R3, neon_done
	MOVD R4, R17
	MOVD R5, R19
	MOVD R6, R20
	MOVD R8, R22

neon_block1:
	SUB $1, R20
	MOVD R1, R13
	MOVD R7, R21
	CBNZ R21, neon_first1
	VEOR V16.B16, V16.B16, V16.B16
	VEOR V17.B16, V17.B16, V17.B16
	VEOR V18.B16, V18.B16, V18.B16
	VEOR V19.B16, V19.B16, V19.B16
	B neon_requant1

neon_first1:
	VLD1.P 16(R13), [V0.B16]
	VLD1.P 64(R17), [V4.B16, V5.B16, V6.B16, V7.B16]
	WORD $0x0e24c008 // smull v8.8h, v0.8b, v4.8b
	WORD $0x0e25c009 // smull v9.8h, v0.8b, v5.8b
	WORD $0x0e26c00a // smull v10.8h, v0.8b, v6.8b
	WORD $0x0e27c00b // smull v11.8h, v0.8b, v7.8b
	WORD $0x4e248008 // smlal2 v8.8h, v0.16b, v4.16b
	WORD $0x4e258009 // smlal2 v9.8h, v0.16b, v5.16b
	WORD $0x4e26800a // smlal2 v10.8h, v0.16b, v6.16b
	WORD $0x4e27800b // smlal2 v11.8h, v0.16b, v7.16b
	WORD $0x4e602910 // saddlp v16.4s, v8.8h
	WORD $0x4e602931 // saddlp v17.4s, v9.8h
	WORD $0x4e602952 // saddlp v18.4s, v10.8h
	WORD $0x4e602973 // saddlp v19.4s, v11.8h
	SUBS $1, R21
	BEQ neon_requant1

neon_chunk1:
	VLD1.P 16(R13), [V0.B16]
	VLD1.P 64(R17), [V4.B16, V5.B16, V6.B16, V7.B16]
	WORD $0x0e24c008 // smull v8.8h, v0.8b, v4.8b
	WORD $0x0e25c009 // smull v9.8h, v0.8b, v5.8b
	WORD $0x0e26c00a // smull v10.8h, v0.8b, v6.8b
	WORD $0x0e27c00b // smull v11.8h, v0.8b, v7.8b
	WORD $0x4e248008 // smlal2 v8.8h, v0.16b, v4.16b
	WORD $0x4e258009 // smlal2 v9.8h, v0.16b, v5.16b
	WORD $0x4e26800a // smlal2 v10.8h, v0.16b, v6.16b
	WORD $0x4e27800b // smlal2 v11.8h, v0.16b, v7.16b
	WORD $0x4e606910 // sadalp v16.4s, v8.8h
	WORD $0x4e606931 // sadalp v17.4s, v9.8h
	WORD $0x4e606952 // sadalp v18.4s, v10.8h
	WORD $0x4e606973 // sadalp v19.4s, v11.8h
	SUBS $1, R21
	BNE neon_chunk1

neon_requant1:
	WORD $0x4eb1be10 // addp v16.4s, v16.4s, v17.4s
	WORD $0x4eb3be51 // addp v17.4s, v18.4s, v19.4s
	WORD $0x4eb1be10 // addp v16.4s, v16.4s, v17.4s
	VLD1 (R0), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1.P 64(R19), [V4.S4, V5.S4, V6.S4, V7.S4]
	VADD V4.S4, V16.S4, V16.S4
	TBNZ $0, R12, neon_right1
	WORD $0x4ea64610 // sshl v16.4s, v16.4s, v6.4s
	WORD $0x6ea5b610 // sqrdmulh v16.4s, v16.4s, v5.4s
	WORD $0x4e271e08 // and v8.16b, v16.16b, v7.16b
	WORD $0x4f211510 // ssra v16.4s, v8.4s, #31
	WORD $0x4ea75610 // srshl v16.4s, v16.4s, v7.4s
	WORD $0x4ea08610 // add v16.4s, v16.4s, v0.4s
	WORD $0x0e614a10 // sqxtn v16.4h, v16.4s
	B neon_narrow1

neon_right1:
	WORD $0x6ea5b610 // sqrdmulh v16.4s, v16.4s, v5.4s
	WORD $0x4f211610 // ssra v16.4s, v16.4s, #31
	WORD $0x4ea75610 // srshl v16.4s, v16.4s, v7.4s
	WORD $0x0e614a10 // sqxtn v16.4h, v16.4s
	WORD $0x4e610e10 // sqadd v16.8h, v16.8h, v1.8h

neon_narrow1:
	WORD $0x0e214a10 // sqxtn v16.8b, v16.8h
	WORD $0x4e226610 // smax v16.16b, v16.16b, v2.16b
	WORD $0x4e236e10 // smin v16.16b, v16.16b, v3.16b
	CBNZ R20, neon_full1
	CMP $4, R10
	BNE neon_part1

neon_full1:
	VST1 V16.S[0], (R22)
	ADD $4, R22
	CBNZ R20, neon_block1
	B neon_next1

neon_part1:
	VMOV V16.S[0], R24
	MOVD R22, R25
	TBZ $1, R10, 4(PC)
	MOVH R24, (R25)
	LSR $16, R24, R24
	ADD $2, R25
	TBZ $0, R10, 2(PC)
	MOVB R24, (R25)

neon_next1:
	ADD R2, R1
	ADD R9, R8
	SUB $1, R3
	B neon_rows1

neon_done:
	RET

// func gemmNEONWideInt8(a *gemmArgs)
//
// ASIMD core for weights that hold −128: as gemmNEONInt8, but every product
// is widened on its own (SMULL, SMULL2) before SADALP adds pairs.
TEXT ·gemmNEONWideInt8(SB), NOSPLIT, $0-8
	MOVD a+0(FP), R0
	MOVD 64(R0), R1
	MOVD 72(R0), R2
	MOVD 80(R0), R3
	MOVD 88(R0), R4
	MOVD 96(R0), R5
	MOVD 104(R0), R6
	MOVD 112(R0), R7
	MOVD 120(R0), R8
	MOVD 128(R0), R9
	MOVD 136(R0), R10
	MOVD 144(R0), R12

neonw_rows4:
	CMP $4, R3
	BLT neonw_rows1
	MOVD R4, R17
	MOVD R5, R19
	MOVD R6, R20
	MOVD R8, R22

neonw_block4:
	SUB $1, R20

	MOVD R1, R13
	ADD R2, R13, R14
	ADD R2, R14, R15
	ADD R2, R15, R16
	MOVD R7, R21
	CBNZ R21, neonw_first4
	VEOR V16.B16, V16.B16, V16.B16
	VEOR V17.B16, V17.B16, V17.B16
	VEOR V18.B16, V18.B16, V18.B16
	VEOR V19.B16, V19.B16, V19.B16
	VEOR V20.B16, V20.B16, V20.B16
	VEOR V21.B16, V21.B16, V21.B16
	VEOR V22.B16, V22.B16, V22.B16
	VEOR V23.B16, V23.B16, V23.B16
	VEOR V24.B16, V24.B16, V24.B16
	VEOR V25.B16, V25.B16, V25.B16
	VEOR V26.B16, V26.B16, V26.B16
	VEOR V27.B16, V27.B16, V27.B16
	VEOR V28.B16, V28.B16, V28.B16
	VEOR V29.B16, V29.B16, V29.B16
	VEOR V30.B16, V30.B16, V30.B16
	VEOR V31.B16, V31.B16, V31.B16
	B neonw_requant4

neonw_first4:
	VLD1.P 16(R13), [V0.B16]
	VLD1.P 16(R14), [V1.B16]
	VLD1.P 16(R15), [V2.B16]
	VLD1.P 16(R16), [V3.B16]
	VLD1.P 64(R17), [V4.B16, V5.B16, V6.B16, V7.B16]
	WORD $0x0e24c008 // smull v8.8h, v0.8b, v4.8b
	WORD $0x4e24c009 // smull2 v9.8h, v0.16b, v4.16b
	WORD $0x0e24c02a // smull v10.8h, v1.8b, v4.8b
	WORD $0x4e24c02b // smull2 v11.8h, v1.16b, v4.16b
	WORD $0x0e24c04c // smull v12.8h, v2.8b, v4.8b
	WORD $0x4e24c04d // smull2 v13.8h, v2.16b, v4.16b
	WORD $0x0e24c06e // smull v14.8h, v3.8b, v4.8b
	WORD $0x4e24c06f // smull2 v15.8h, v3.16b, v4.16b
	WORD $0x4e602910 // saddlp v16.4s, v8.8h
	WORD $0x4e606930 // sadalp v16.4s, v9.8h
	WORD $0x4e602954 // saddlp v20.4s, v10.8h
	WORD $0x4e606974 // sadalp v20.4s, v11.8h
	WORD $0x4e602998 // saddlp v24.4s, v12.8h
	WORD $0x4e6069b8 // sadalp v24.4s, v13.8h
	WORD $0x4e6029dc // saddlp v28.4s, v14.8h
	WORD $0x4e6069fc // sadalp v28.4s, v15.8h
	WORD $0x0e25c008 // smull v8.8h, v0.8b, v5.8b
	WORD $0x4e25c009 // smull2 v9.8h, v0.16b, v5.16b
	WORD $0x0e25c02a // smull v10.8h, v1.8b, v5.8b
	WORD $0x4e25c02b // smull2 v11.8h, v1.16b, v5.16b
	WORD $0x0e25c04c // smull v12.8h, v2.8b, v5.8b
	WORD $0x4e25c04d // smull2 v13.8h, v2.16b, v5.16b
	WORD $0x0e25c06e // smull v14.8h, v3.8b, v5.8b
	WORD $0x4e25c06f // smull2 v15.8h, v3.16b, v5.16b
	WORD $0x4e602911 // saddlp v17.4s, v8.8h
	WORD $0x4e606931 // sadalp v17.4s, v9.8h
	WORD $0x4e602955 // saddlp v21.4s, v10.8h
	WORD $0x4e606975 // sadalp v21.4s, v11.8h
	WORD $0x4e602999 // saddlp v25.4s, v12.8h
	WORD $0x4e6069b9 // sadalp v25.4s, v13.8h
	WORD $0x4e6029dd // saddlp v29.4s, v14.8h
	WORD $0x4e6069fd // sadalp v29.4s, v15.8h
	WORD $0x0e26c008 // smull v8.8h, v0.8b, v6.8b
	WORD $0x4e26c009 // smull2 v9.8h, v0.16b, v6.16b
	WORD $0x0e26c02a // smull v10.8h, v1.8b, v6.8b
	WORD $0x4e26c02b // smull2 v11.8h, v1.16b, v6.16b
	WORD $0x0e26c04c // smull v12.8h, v2.8b, v6.8b
	WORD $0x4e26c04d // smull2 v13.8h, v2.16b, v6.16b
	WORD $0x0e26c06e // smull v14.8h, v3.8b, v6.8b
	WORD $0x4e26c06f // smull2 v15.8h, v3.16b, v6.16b
	WORD $0x4e602912 // saddlp v18.4s, v8.8h
	WORD $0x4e606932 // sadalp v18.4s, v9.8h
	WORD $0x4e602956 // saddlp v22.4s, v10.8h
	WORD $0x4e606976 // sadalp v22.4s, v11.8h
	WORD $0x4e60299a // saddlp v26.4s, v12.8h
	WORD $0x4e6069ba // sadalp v26.4s, v13.8h
	WORD $0x4e6029de // saddlp v30.4s, v14.8h
	WORD $0x4e6069fe // sadalp v30.4s, v15.8h
	WORD $0x0e27c008 // smull v8.8h, v0.8b, v7.8b
	WORD $0x4e27c009 // smull2 v9.8h, v0.16b, v7.16b
	WORD $0x0e27c02a // smull v10.8h, v1.8b, v7.8b
	WORD $0x4e27c02b // smull2 v11.8h, v1.16b, v7.16b
	WORD $0x0e27c04c // smull v12.8h, v2.8b, v7.8b
	WORD $0x4e27c04d // smull2 v13.8h, v2.16b, v7.16b
	WORD $0x0e27c06e // smull v14.8h, v3.8b, v7.8b
	WORD $0x4e27c06f // smull2 v15.8h, v3.16b, v7.16b
	WORD $0x4e602913 // saddlp v19.4s, v8.8h
	WORD $0x4e606933 // sadalp v19.4s, v9.8h
	WORD $0x4e602957 // saddlp v23.4s, v10.8h
	WORD $0x4e606977 // sadalp v23.4s, v11.8h
	WORD $0x4e60299b // saddlp v27.4s, v12.8h
	WORD $0x4e6069bb // sadalp v27.4s, v13.8h
	WORD $0x4e6029df // saddlp v31.4s, v14.8h
	WORD $0x4e6069ff // sadalp v31.4s, v15.8h
	SUBS $1, R21
	BEQ neonw_requant4

neonw_chunk4:
	VLD1.P 16(R13), [V0.B16]
	VLD1.P 16(R14), [V1.B16]
	VLD1.P 16(R15), [V2.B16]
	VLD1.P 16(R16), [V3.B16]
	VLD1.P 64(R17), [V4.B16, V5.B16, V6.B16, V7.B16]
	WORD $0x0e24c008 // smull v8.8h, v0.8b, v4.8b
	WORD $0x4e24c009 // smull2 v9.8h, v0.16b, v4.16b
	WORD $0x0e24c02a // smull v10.8h, v1.8b, v4.8b
	WORD $0x4e24c02b // smull2 v11.8h, v1.16b, v4.16b
	WORD $0x0e24c04c // smull v12.8h, v2.8b, v4.8b
	WORD $0x4e24c04d // smull2 v13.8h, v2.16b, v4.16b
	WORD $0x0e24c06e // smull v14.8h, v3.8b, v4.8b
	WORD $0x4e24c06f // smull2 v15.8h, v3.16b, v4.16b
	WORD $0x4e606910 // sadalp v16.4s, v8.8h
	WORD $0x4e606930 // sadalp v16.4s, v9.8h
	WORD $0x4e606954 // sadalp v20.4s, v10.8h
	WORD $0x4e606974 // sadalp v20.4s, v11.8h
	WORD $0x4e606998 // sadalp v24.4s, v12.8h
	WORD $0x4e6069b8 // sadalp v24.4s, v13.8h
	WORD $0x4e6069dc // sadalp v28.4s, v14.8h
	WORD $0x4e6069fc // sadalp v28.4s, v15.8h
	WORD $0x0e25c008 // smull v8.8h, v0.8b, v5.8b
	WORD $0x4e25c009 // smull2 v9.8h, v0.16b, v5.16b
	WORD $0x0e25c02a // smull v10.8h, v1.8b, v5.8b
	WORD $0x4e25c02b // smull2 v11.8h, v1.16b, v5.16b
	WORD $0x0e25c04c // smull v12.8h, v2.8b, v5.8b
	WORD $0x4e25c04d // smull2 v13.8h, v2.16b, v5.16b
	WORD $0x0e25c06e // smull v14.8h, v3.8b, v5.8b
	WORD $0x4e25c06f // smull2 v15.8h, v3.16b, v5.16b
	WORD $0x4e606911 // sadalp v17.4s, v8.8h
	WORD $0x4e606931 // sadalp v17.4s, v9.8h
	WORD $0x4e606955 // sadalp v21.4s, v10.8h
	WORD $0x4e606975 // sadalp v21.4s, v11.8h
	WORD $0x4e606999 // sadalp v25.4s, v12.8h
	WORD $0x4e6069b9 // sadalp v25.4s, v13.8h
	WORD $0x4e6069dd // sadalp v29.4s, v14.8h
	WORD $0x4e6069fd // sadalp v29.4s, v15.8h
	WORD $0x0e26c008 // smull v8.8h, v0.8b, v6.8b
	WORD $0x4e26c009 // smull2 v9.8h, v0.16b, v6.16b
	WORD $0x0e26c02a // smull v10.8h, v1.8b, v6.8b
	WORD $0x4e26c02b // smull2 v11.8h, v1.16b, v6.16b
	WORD $0x0e26c04c // smull v12.8h, v2.8b, v6.8b
	WORD $0x4e26c04d // smull2 v13.8h, v2.16b, v6.16b
	WORD $0x0e26c06e // smull v14.8h, v3.8b, v6.8b
	WORD $0x4e26c06f // smull2 v15.8h, v3.16b, v6.16b
	WORD $0x4e606912 // sadalp v18.4s, v8.8h
	WORD $0x4e606932 // sadalp v18.4s, v9.8h
	WORD $0x4e606956 // sadalp v22.4s, v10.8h
	WORD $0x4e606976 // sadalp v22.4s, v11.8h
	WORD $0x4e60699a // sadalp v26.4s, v12.8h
	WORD $0x4e6069ba // sadalp v26.4s, v13.8h
	WORD $0x4e6069de // sadalp v30.4s, v14.8h
	WORD $0x4e6069fe // sadalp v30.4s, v15.8h
	WORD $0x0e27c008 // smull v8.8h, v0.8b, v7.8b
	WORD $0x4e27c009 // smull2 v9.8h, v0.16b, v7.16b
	WORD $0x0e27c02a // smull v10.8h, v1.8b, v7.8b
	WORD $0x4e27c02b // smull2 v11.8h, v1.16b, v7.16b
	WORD $0x0e27c04c // smull v12.8h, v2.8b, v7.8b
	WORD $0x4e27c04d // smull2 v13.8h, v2.16b, v7.16b
	WORD $0x0e27c06e // smull v14.8h, v3.8b, v7.8b
	WORD $0x4e27c06f // smull2 v15.8h, v3.16b, v7.16b
	WORD $0x4e606913 // sadalp v19.4s, v8.8h
	WORD $0x4e606933 // sadalp v19.4s, v9.8h
	WORD $0x4e606957 // sadalp v23.4s, v10.8h
	WORD $0x4e606977 // sadalp v23.4s, v11.8h
	WORD $0x4e60699b // sadalp v27.4s, v12.8h
	WORD $0x4e6069bb // sadalp v27.4s, v13.8h
	WORD $0x4e6069df // sadalp v31.4s, v14.8h
	WORD $0x4e6069ff // sadalp v31.4s, v15.8h
	SUBS $1, R21
	BNE neonw_chunk4

neonw_requant4:
	WORD $0x4eb1be10 // addp v16.4s, v16.4s, v17.4s
	WORD $0x4eb3be51 // addp v17.4s, v18.4s, v19.4s
	WORD $0x4eb1be10 // addp v16.4s, v16.4s, v17.4s
	WORD $0x4eb5be94 // addp v20.4s, v20.4s, v21.4s
	WORD $0x4eb7bed5 // addp v21.4s, v22.4s, v23.4s
	WORD $0x4eb5be94 // addp v20.4s, v20.4s, v21.4s
	WORD $0x4eb9bf18 // addp v24.4s, v24.4s, v25.4s
	WORD $0x4ebbbf59 // addp v25.4s, v26.4s, v27.4s
	WORD $0x4eb9bf18 // addp v24.4s, v24.4s, v25.4s
	WORD $0x4ebdbf9c // addp v28.4s, v28.4s, v29.4s
	WORD $0x4ebfbfdd // addp v29.4s, v30.4s, v31.4s
	WORD $0x4ebdbf9c // addp v28.4s, v28.4s, v29.4s
	VLD1 (R0), [V0.S4, V1.S4, V2.S4, V3.S4]      // zero points, min, max
	VLD1.P 64(R19), [V4.S4, V5.S4, V6.S4, V7.S4] // bias, multipliers, left and right shifts
	VADD V4.S4, V16.S4, V16.S4
	VADD V4.S4, V20.S4, V20.S4
	VADD V4.S4, V24.S4, V24.S4
	VADD V4.S4, V28.S4, V28.S4
	TBNZ $0, R12, neonw_right4
	WORD $0x4ea64610 // sshl v16.4s, v16.4s, v6.4s
	WORD $0x4ea64694 // sshl v20.4s, v20.4s, v6.4s
	WORD $0x4ea64718 // sshl v24.4s, v24.4s, v6.4s
	WORD $0x4ea6479c // sshl v28.4s, v28.4s, v6.4s
	WORD $0x6ea5b610 // sqrdmulh v16.4s, v16.4s, v5.4s
	WORD $0x6ea5b694 // sqrdmulh v20.4s, v20.4s, v5.4s
	WORD $0x6ea5b718 // sqrdmulh v24.4s, v24.4s, v5.4s
	WORD $0x6ea5b79c // sqrdmulh v28.4s, v28.4s, v5.4s
	WORD $0x4e271e08 // and v8.16b, v16.16b, v7.16b
	WORD $0x4f211510 // ssra v16.4s, v8.4s, #31
	WORD $0x4e271e88 // and v8.16b, v20.16b, v7.16b
	WORD $0x4f211514 // ssra v20.4s, v8.4s, #31
	WORD $0x4e271f08 // and v8.16b, v24.16b, v7.16b
	WORD $0x4f211518 // ssra v24.4s, v8.4s, #31
	WORD $0x4e271f88 // and v8.16b, v28.16b, v7.16b
	WORD $0x4f21151c // ssra v28.4s, v8.4s, #31
	WORD $0x4ea75610 // srshl v16.4s, v16.4s, v7.4s
	WORD $0x4ea75694 // srshl v20.4s, v20.4s, v7.4s
	WORD $0x4ea75718 // srshl v24.4s, v24.4s, v7.4s
	WORD $0x4ea7579c // srshl v28.4s, v28.4s, v7.4s
	WORD $0x4ea08610 // add v16.4s, v16.4s, v0.4s
	WORD $0x4ea08694 // add v20.4s, v20.4s, v0.4s
	WORD $0x4ea08718 // add v24.4s, v24.4s, v0.4s
	WORD $0x4ea0879c // add v28.4s, v28.4s, v0.4s
	WORD $0x0e614a10 // sqxtn v16.4h, v16.4s
	WORD $0x4e614a90 // sqxtn2 v16.8h, v20.4s
	WORD $0x0e614b18 // sqxtn v24.4h, v24.4s
	WORD $0x4e614b98 // sqxtn2 v24.8h, v28.4s
	B neonw_narrow4

neonw_right4:
	WORD $0x6ea5b610 // sqrdmulh v16.4s, v16.4s, v5.4s
	WORD $0x6ea5b694 // sqrdmulh v20.4s, v20.4s, v5.4s
	WORD $0x6ea5b718 // sqrdmulh v24.4s, v24.4s, v5.4s
	WORD $0x6ea5b79c // sqrdmulh v28.4s, v28.4s, v5.4s
	WORD $0x4f211610 // ssra v16.4s, v16.4s, #31
	WORD $0x4f211694 // ssra v20.4s, v20.4s, #31
	WORD $0x4f211718 // ssra v24.4s, v24.4s, #31
	WORD $0x4f21179c // ssra v28.4s, v28.4s, #31
	WORD $0x4ea75610 // srshl v16.4s, v16.4s, v7.4s
	WORD $0x4ea75694 // srshl v20.4s, v20.4s, v7.4s
	WORD $0x4ea75718 // srshl v24.4s, v24.4s, v7.4s
	WORD $0x4ea7579c // srshl v28.4s, v28.4s, v7.4s
	WORD $0x0e614a10 // sqxtn v16.4h, v16.4s
	WORD $0x4e614a90 // sqxtn2 v16.8h, v20.4s
	WORD $0x0e614b18 // sqxtn v24.4h, v24.4s
	WORD $0x4e614b98 // sqxtn2 v24.8h, v28.4s
	WORD $0x4e610e10 // sqadd v16.8h, v16.8h, v1.8h
	WORD $0x4e610f18 // sqadd v24.8h, v24.8h, v1.8h

neonw_narrow4:
	WORD $0x0e214a10 // sqxtn v16.8b, v16.8h
	WORD $0x4e214b10 // sqxtn2 v16.16b, v24.8h
	WORD $0x4e226610 // smax v16.16b, v16.16b, v2.16b
	WORD $0x4e236e10 // smin v16.16b, v16.16b, v3.16b
	CBNZ R20, neonw_full4
	CMP $4, R10
	BNE neonw_part4

neonw_full4:
	MOVD R22, R23
	VST1.P V16.S[0], (R23)(R9)
	VST1.P V16.S[1], (R23)(R9)
	VST1.P V16.S[2], (R23)(R9)
	VST1 V16.S[3], (R23)
	ADD $4, R22
	CBNZ R20, neonw_block4
	B neonw_next4

neonw_part4:
	MOVD R22, R23
	VMOV V16.S[0], R24
	MOVD R23, R25
	TBZ $1, R10, 4(PC)
	MOVH R24, (R25)
	LSR $16, R24, R24
	ADD $2, R25
	TBZ $0, R10, 2(PC)
	MOVB R24, (R25)
	ADD R9, R23
	VMOV V16.S[1], R24
	MOVD R23, R25
	TBZ $1, R10, 4(PC)
	MOVH R24, (R25)
	LSR $16, R24, R24
	ADD $2, R25
	TBZ $0, R10, 2(PC)
	MOVB R24, (R25)
	ADD R9, R23
	VMOV V16.S[2], R24
	MOVD R23, R25
	TBZ $1, R10, 4(PC)
	MOVH R24, (R25)
	LSR $16, R24, R24
	ADD $2, R25
	TBZ $0, R10, 2(PC)
	MOVB R24, (R25)
	ADD R9, R23
	VMOV V16.S[3], R24
	MOVD R23, R25
	TBZ $1, R10, 4(PC)
	MOVH R24, (R25)
	LSR $16, R24, R24
	ADD $2, R25
	TBZ $0, R10, 2(PC)
	MOVB R24, (R25)

neonw_next4:
	ADD R2<<2, R1, R1
	ADD R9<<2, R8, R8
	SUB $4, R3
	B neonw_rows4

neonw_rows1:
	CBZ R3, neonw_done
	MOVD R4, R17
	MOVD R5, R19
	MOVD R6, R20
	MOVD R8, R22

neonw_block1:
	SUB $1, R20
	MOVD R1, R13
	MOVD R7, R21
	CBNZ R21, neonw_first1
	VEOR V16.B16, V16.B16, V16.B16
	VEOR V17.B16, V17.B16, V17.B16
	VEOR V18.B16, V18.B16, V18.B16
	VEOR V19.B16, V19.B16, V19.B16
	B neonw_requant1

neonw_first1:
	VLD1.P 16(R13), [V0.B16]
	VLD1.P 64(R17), [V4.B16, V5.B16, V6.B16, V7.B16]
	WORD $0x0e24c008 // smull v8.8h, v0.8b, v4.8b
	WORD $0x4e24c009 // smull2 v9.8h, v0.16b, v4.16b
	WORD $0x0e25c00a // smull v10.8h, v0.8b, v5.8b
	WORD $0x4e25c00b // smull2 v11.8h, v0.16b, v5.16b
	WORD $0x0e26c00c // smull v12.8h, v0.8b, v6.8b
	WORD $0x4e26c00d // smull2 v13.8h, v0.16b, v6.16b
	WORD $0x0e27c00e // smull v14.8h, v0.8b, v7.8b
	WORD $0x4e27c00f // smull2 v15.8h, v0.16b, v7.16b
	WORD $0x4e602910 // saddlp v16.4s, v8.8h
	WORD $0x4e606930 // sadalp v16.4s, v9.8h
	WORD $0x4e602951 // saddlp v17.4s, v10.8h
	WORD $0x4e606971 // sadalp v17.4s, v11.8h
	WORD $0x4e602992 // saddlp v18.4s, v12.8h
	WORD $0x4e6069b2 // sadalp v18.4s, v13.8h
	WORD $0x4e6029d3 // saddlp v19.4s, v14.8h
	WORD $0x4e6069f3 // sadalp v19.4s, v15.8h
	SUBS $1, R21
	BEQ neonw_requant1

neonw_chunk1:
	VLD1.P 16(R13), [V0.B16]
	VLD1.P 64(R17), [V4.B16, V5.B16, V6.B16, V7.B16]
	WORD $0x0e24c008 // smull v8.8h, v0.8b, v4.8b
	WORD $0x4e24c009 // smull2 v9.8h, v0.16b, v4.16b
	WORD $0x0e25c00a // smull v10.8h, v0.8b, v5.8b
	WORD $0x4e25c00b // smull2 v11.8h, v0.16b, v5.16b
	WORD $0x0e26c00c // smull v12.8h, v0.8b, v6.8b
	WORD $0x4e26c00d // smull2 v13.8h, v0.16b, v6.16b
	WORD $0x0e27c00e // smull v14.8h, v0.8b, v7.8b
	WORD $0x4e27c00f // smull2 v15.8h, v0.16b, v7.16b
	WORD $0x4e606910 // sadalp v16.4s, v8.8h
	WORD $0x4e606930 // sadalp v16.4s, v9.8h
	WORD $0x4e606951 // sadalp v17.4s, v10.8h
	WORD $0x4e606971 // sadalp v17.4s, v11.8h
	WORD $0x4e606992 // sadalp v18.4s, v12.8h
	WORD $0x4e6069b2 // sadalp v18.4s, v13.8h
	WORD $0x4e6069d3 // sadalp v19.4s, v14.8h
	WORD $0x4e6069f3 // sadalp v19.4s, v15.8h
	SUBS $1, R21
	BNE neonw_chunk1

neonw_requant1:
	WORD $0x4eb1be10 // addp v16.4s, v16.4s, v17.4s
	WORD $0x4eb3be51 // addp v17.4s, v18.4s, v19.4s
	WORD $0x4eb1be10 // addp v16.4s, v16.4s, v17.4s
	VLD1 (R0), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1.P 64(R19), [V4.S4, V5.S4, V6.S4, V7.S4]
	VADD V4.S4, V16.S4, V16.S4
	TBNZ $0, R12, neonw_right1
	WORD $0x4ea64610 // sshl v16.4s, v16.4s, v6.4s
	WORD $0x6ea5b610 // sqrdmulh v16.4s, v16.4s, v5.4s
	WORD $0x4e271e08 // and v8.16b, v16.16b, v7.16b
	WORD $0x4f211510 // ssra v16.4s, v8.4s, #31
	WORD $0x4ea75610 // srshl v16.4s, v16.4s, v7.4s
	WORD $0x4ea08610 // add v16.4s, v16.4s, v0.4s
	WORD $0x0e614a10 // sqxtn v16.4h, v16.4s
	B neonw_narrow1

neonw_right1:
	WORD $0x6ea5b610 // sqrdmulh v16.4s, v16.4s, v5.4s
	WORD $0x4f211610 // ssra v16.4s, v16.4s, #31
	WORD $0x4ea75610 // srshl v16.4s, v16.4s, v7.4s
	WORD $0x0e614a10 // sqxtn v16.4h, v16.4s
	WORD $0x4e610e10 // sqadd v16.8h, v16.8h, v1.8h

neonw_narrow1:
	WORD $0x0e214a10 // sqxtn v16.8b, v16.8h
	WORD $0x4e226610 // smax v16.16b, v16.16b, v2.16b
	WORD $0x4e236e10 // smin v16.16b, v16.16b, v3.16b
	CBNZ R20, neonw_full1
	CMP $4, R10
	BNE neonw_part1

neonw_full1:
	VST1 V16.S[0], (R22)
	ADD $4, R22
	CBNZ R20, neonw_block1
	B neonw_next1

neonw_part1:
	VMOV V16.S[0], R24
	MOVD R22, R25
	TBZ $1, R10, 4(PC)
	MOVH R24, (R25)
	LSR $16, R24, R24
	ADD $2, R25
	TBZ $0, R10, 2(PC)
	MOVB R24, (R25)

neonw_next1:
	ADD R2, R1
	ADD R9, R8
	SUB $1, R3
	B neonw_rows1

neonw_done:
	RET

// func im2colSegs(a *im2colArgs)
//
// For each pixel, copies kh segments of seg bytes (one per filter row) to
// consecutive bytes of its x row: 32 bytes at a time, then 16, 8, 4, 2, 1.
TEXT ·im2colSegs(SB), NOSPLIT, $0-8
	MOVD a+0(FP), R0
	MOVD 0(R0), R1  // dst
	MOVD 8(R0), R2  // dstStride
	MOVD 16(R0), R3 // rows
	MOVD 24(R0), R4 // kh
	MOVD 32(R0), R5 // seg
	MOVD 40(R0), R6 // pixStride
	MOVD 48(R0), R7 // n
	MOVD $0, R8     // source offset of the pixel

im2col_pixel:
	CBZ R7, im2col_done
	MOVD R1, R9  // destination cursor
	MOVD R3, R10 // row pointers
	MOVD R4, R11 // rows left

im2col_row:
	MOVD.P 8(R10), R12
	ADD R8, R12
	SUBS $32, R5, R13
	BLT im2col_tail

im2col_32:
	FLDPQ.P 32(R12), (F0, F1)
	FSTPQ.P (F0, F1), 32(R9)
	SUBS $32, R13
	BGE im2col_32

im2col_tail:
	TBZ $4, R13, 3(PC)
	FMOVQ.P 16(R12), F0
	FMOVQ.P F0, 16(R9)
	TBZ $3, R13, 3(PC)
	MOVD.P 8(R12), R14
	MOVD.P R14, 8(R9)
	TBZ $2, R13, 3(PC)
	MOVWU.P 4(R12), R14
	MOVW.P R14, 4(R9)
	TBZ $1, R13, 3(PC)
	MOVHU.P 2(R12), R14
	MOVH.P R14, 2(R9)
	TBZ $0, R13, 3(PC)
	MOVBU.P 1(R12), R14
	MOVB.P R14, 1(R9)
	SUBS $1, R11
	BNE im2col_row
	ADD R2, R1
	ADD R6, R8
	SUB $1, R7
	B im2col_pixel

im2col_done:
	RET
