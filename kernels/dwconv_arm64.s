//go:build gc && !purego

#include "textflag.h"

// Depthwise convolution cores (see dwconv.go). WORDs are encoded from
// their comments by the GNU assembler for aarch64; `make asmcheck` checks
// them.
//
// Registers:
//	R0 args           R1 blocks left << 8 | flags (bit 0 right shifts only,
//	                  bit 1 partial channel block)
//	R2 x of the block R3 out of the block  R4 weight cursor  R5 params of
//	the block         R6 tail channels  R7 rows left  R8 window row
//	R9 output row     R10, R11 scratch  R12 columns left
//	R13-R17, R19-R22 tap cursors  R23 column step  R24 output cursor
//	R25 output step
//	V0-V8 weights of the block's 9 taps; V9 zero point (int32), V10 zero
//	point (int16), V11 min, V12 max (int8); V13, V14 inputs; V16-V19
//	accumulators; V20-V23 multipliers, V24-V27 right shifts (both kept for
//	the block); V28-V31 products, then left shifts.

// func dwInt8(a *dwArgs)
TEXT ·dwInt8(SB), NOSPLIT, $0-8
	MOVD a+0(FP), R0
	VLD1 (R0), [V9.S4, V10.S4, V11.S4, V12.S4]
	MOVD 136(R0), R2
	MOVD 160(R0), R4
	MOVD 168(R0), R5
	MOVD 176(R0), R1
	MOVD 184(R0), R6
	MOVD 192(R0), R3
	MOVD 152(R0), R23
	MOVD 208(R0), R25
	MOVD 232(R0), R10
	LSL $8, R1
	AND $1, R10
	ORR R10, R1

dw_block:
	CMP $0x200, R1
	BHS 4(PC)
	CMP $16, R6
	BEQ 2(PC)
	ORR $2, R1
	VLD1.P 64(R4), [V0.B16, V1.B16, V2.B16, V3.B16]
	VLD1.P 64(R4), [V4.B16, V5.B16, V6.B16, V7.B16]
	VLD1.P 16(R4), [V8.B16]
	ADD $64, R5, R10
	VLD1 (R10), [V20.S4, V21.S4, V22.S4, V23.S4] // multipliers
	ADD $192, R5, R10
	VLD1 (R10), [V24.S4, V25.S4, V26.S4, V27.S4] // right shifts
	MOVD R2, R8
	MOVD R3, R9
	MOVD 216(R0), R7

dw_row:
	LDP 64(R0), (R13, R14)
	LDP 80(R0), (R15, R16)
	LDP 96(R0), (R17, R19)
	LDP 112(R0), (R20, R21)
	MOVD 128(R0), R22
	ADD R8, R13
	ADD R8, R14
	ADD R8, R15
	ADD R8, R16
	ADD R8, R17
	ADD R8, R19
	ADD R8, R20
	ADD R8, R21
	ADD R8, R22
	MOVD R9, R24
	MOVD 224(R0), R12
	AND $3, R1, R10
	CMP $1, R10
	BEQ dw_right_full
	CBZ R10, dw_general_full
	CMP $3, R10
	BEQ dw_right_part
	B dw_general_part

dw_right_full:
	VLD1 (R5), [V16.S4, V17.S4, V18.S4, V19.S4] // bias
	VLD1.P (R13)(R23), [V13.B16]
	VLD1.P (R14)(R23), [V14.B16]
	WORD $0x0e20c1bc // smull v28.8h, v13.8b, v0.8b
	WORD $0x4e20c1bd // smull2 v29.8h, v13.16b, v0.16b
	WORD $0x0e2181dc // smlal v28.8h, v14.8b, v1.8b
	WORD $0x4e2181dd // smlal2 v29.8h, v14.16b, v1.16b
	WORD $0x0e7c1210 // saddw v16.4s, v16.4s, v28.4h
	WORD $0x4e7c1231 // saddw2 v17.4s, v17.4s, v28.8h
	WORD $0x0e7d1252 // saddw v18.4s, v18.4s, v29.4h
	WORD $0x4e7d1273 // saddw2 v19.4s, v19.4s, v29.8h
	VLD1.P (R15)(R23), [V13.B16]
	VLD1.P (R16)(R23), [V14.B16]
	WORD $0x0e22c1be // smull v30.8h, v13.8b, v2.8b
	WORD $0x4e22c1bf // smull2 v31.8h, v13.16b, v2.16b
	WORD $0x0e2381de // smlal v30.8h, v14.8b, v3.8b
	WORD $0x4e2381df // smlal2 v31.8h, v14.16b, v3.16b
	WORD $0x0e7e1210 // saddw v16.4s, v16.4s, v30.4h
	WORD $0x4e7e1231 // saddw2 v17.4s, v17.4s, v30.8h
	WORD $0x0e7f1252 // saddw v18.4s, v18.4s, v31.4h
	WORD $0x4e7f1273 // saddw2 v19.4s, v19.4s, v31.8h
	VLD1.P (R17)(R23), [V13.B16]
	VLD1.P (R19)(R23), [V14.B16]
	WORD $0x0e24c1bc // smull v28.8h, v13.8b, v4.8b
	WORD $0x4e24c1bd // smull2 v29.8h, v13.16b, v4.16b
	WORD $0x0e2581dc // smlal v28.8h, v14.8b, v5.8b
	WORD $0x4e2581dd // smlal2 v29.8h, v14.16b, v5.16b
	WORD $0x0e7c1210 // saddw v16.4s, v16.4s, v28.4h
	WORD $0x4e7c1231 // saddw2 v17.4s, v17.4s, v28.8h
	WORD $0x0e7d1252 // saddw v18.4s, v18.4s, v29.4h
	WORD $0x4e7d1273 // saddw2 v19.4s, v19.4s, v29.8h
	VLD1.P (R20)(R23), [V13.B16]
	VLD1.P (R21)(R23), [V14.B16]
	WORD $0x0e26c1be // smull v30.8h, v13.8b, v6.8b
	WORD $0x4e26c1bf // smull2 v31.8h, v13.16b, v6.16b
	WORD $0x0e2781de // smlal v30.8h, v14.8b, v7.8b
	WORD $0x4e2781df // smlal2 v31.8h, v14.16b, v7.16b
	WORD $0x0e7e1210 // saddw v16.4s, v16.4s, v30.4h
	WORD $0x4e7e1231 // saddw2 v17.4s, v17.4s, v30.8h
	WORD $0x0e7f1252 // saddw v18.4s, v18.4s, v31.4h
	WORD $0x4e7f1273 // saddw2 v19.4s, v19.4s, v31.8h
	VLD1.P (R22)(R23), [V13.B16]
	WORD $0x0e28c1bc // smull v28.8h, v13.8b, v8.8b
	WORD $0x4e28c1bd // smull2 v29.8h, v13.16b, v8.16b
	WORD $0x0e7c1210 // saddw v16.4s, v16.4s, v28.4h
	WORD $0x4e7c1231 // saddw2 v17.4s, v17.4s, v28.8h
	WORD $0x0e7d1252 // saddw v18.4s, v18.4s, v29.4h
	WORD $0x4e7d1273 // saddw2 v19.4s, v19.4s, v29.8h
	WORD $0x6eb4b610 // sqrdmulh v16.4s, v16.4s, v20.4s
	WORD $0x6eb5b631 // sqrdmulh v17.4s, v17.4s, v21.4s
	WORD $0x6eb6b652 // sqrdmulh v18.4s, v18.4s, v22.4s
	WORD $0x6eb7b673 // sqrdmulh v19.4s, v19.4s, v23.4s
	WORD $0x4f211610 // ssra v16.4s, v16.4s, #31
	WORD $0x4f211631 // ssra v17.4s, v17.4s, #31
	WORD $0x4f211652 // ssra v18.4s, v18.4s, #31
	WORD $0x4f211673 // ssra v19.4s, v19.4s, #31
	WORD $0x4eb85610 // srshl v16.4s, v16.4s, v24.4s
	WORD $0x4eb95631 // srshl v17.4s, v17.4s, v25.4s
	WORD $0x4eba5652 // srshl v18.4s, v18.4s, v26.4s
	WORD $0x4ebb5673 // srshl v19.4s, v19.4s, v27.4s
	WORD $0x0e614a10 // sqxtn v16.4h, v16.4s
	WORD $0x4e614a30 // sqxtn2 v16.8h, v17.4s
	WORD $0x0e614a52 // sqxtn v18.4h, v18.4s
	WORD $0x4e614a72 // sqxtn2 v18.8h, v19.4s
	WORD $0x4e6a0e10 // sqadd v16.8h, v16.8h, v10.8h
	WORD $0x4e6a0e52 // sqadd v18.8h, v18.8h, v10.8h
	WORD $0x0e214a10 // sqxtn v16.8b, v16.8h
	WORD $0x4e214a50 // sqxtn2 v16.16b, v18.8h
	WORD $0x4e2b6610 // smax v16.16b, v16.16b, v11.16b
	WORD $0x4e2c6e10 // smin v16.16b, v16.16b, v12.16b
	VST1.P [V16.B16], (R24)(R25)
	SUBS $1, R12
	BNE dw_right_full
	B dw_row_end

dw_right_part:
	VLD1 (R5), [V16.S4, V17.S4, V18.S4, V19.S4] // bias
	VLD1.P (R13)(R23), [V13.B16]
	VLD1.P (R14)(R23), [V14.B16]
	WORD $0x0e20c1bc // smull v28.8h, v13.8b, v0.8b
	WORD $0x4e20c1bd // smull2 v29.8h, v13.16b, v0.16b
	WORD $0x0e2181dc // smlal v28.8h, v14.8b, v1.8b
	WORD $0x4e2181dd // smlal2 v29.8h, v14.16b, v1.16b
	WORD $0x0e7c1210 // saddw v16.4s, v16.4s, v28.4h
	WORD $0x4e7c1231 // saddw2 v17.4s, v17.4s, v28.8h
	WORD $0x0e7d1252 // saddw v18.4s, v18.4s, v29.4h
	WORD $0x4e7d1273 // saddw2 v19.4s, v19.4s, v29.8h
	VLD1.P (R15)(R23), [V13.B16]
	VLD1.P (R16)(R23), [V14.B16]
	WORD $0x0e22c1be // smull v30.8h, v13.8b, v2.8b
	WORD $0x4e22c1bf // smull2 v31.8h, v13.16b, v2.16b
	WORD $0x0e2381de // smlal v30.8h, v14.8b, v3.8b
	WORD $0x4e2381df // smlal2 v31.8h, v14.16b, v3.16b
	WORD $0x0e7e1210 // saddw v16.4s, v16.4s, v30.4h
	WORD $0x4e7e1231 // saddw2 v17.4s, v17.4s, v30.8h
	WORD $0x0e7f1252 // saddw v18.4s, v18.4s, v31.4h
	WORD $0x4e7f1273 // saddw2 v19.4s, v19.4s, v31.8h
	VLD1.P (R17)(R23), [V13.B16]
	VLD1.P (R19)(R23), [V14.B16]
	WORD $0x0e24c1bc // smull v28.8h, v13.8b, v4.8b
	WORD $0x4e24c1bd // smull2 v29.8h, v13.16b, v4.16b
	WORD $0x0e2581dc // smlal v28.8h, v14.8b, v5.8b
	WORD $0x4e2581dd // smlal2 v29.8h, v14.16b, v5.16b
	WORD $0x0e7c1210 // saddw v16.4s, v16.4s, v28.4h
	WORD $0x4e7c1231 // saddw2 v17.4s, v17.4s, v28.8h
	WORD $0x0e7d1252 // saddw v18.4s, v18.4s, v29.4h
	WORD $0x4e7d1273 // saddw2 v19.4s, v19.4s, v29.8h
	VLD1.P (R20)(R23), [V13.B16]
	VLD1.P (R21)(R23), [V14.B16]
	WORD $0x0e26c1be // smull v30.8h, v13.8b, v6.8b
	WORD $0x4e26c1bf // smull2 v31.8h, v13.16b, v6.16b
	WORD $0x0e2781de // smlal v30.8h, v14.8b, v7.8b
	WORD $0x4e2781df // smlal2 v31.8h, v14.16b, v7.16b
	WORD $0x0e7e1210 // saddw v16.4s, v16.4s, v30.4h
	WORD $0x4e7e1231 // saddw2 v17.4s, v17.4s, v30.8h
	WORD $0x0e7f1252 // saddw v18.4s, v18.4s, v31.4h
	WORD $0x4e7f1273 // saddw2 v19.4s, v19.4s, v31.8h
	VLD1.P (R22)(R23), [V13.B16]
	WORD $0x0e28c1bc // smull v28.8h, v13.8b, v8.8b
	WORD $0x4e28c1bd // smull2 v29.8h, v13.16b, v8.16b
	WORD $0x0e7c1210 // saddw v16.4s, v16.4s, v28.4h
	WORD $0x4e7c1231 // saddw2 v17.4s, v17.4s, v28.8h
	WORD $0x0e7d1252 // saddw v18.4s, v18.4s, v29.4h
	WORD $0x4e7d1273 // saddw2 v19.4s, v19.4s, v29.8h
	WORD $0x6eb4b610 // sqrdmulh v16.4s, v16.4s, v20.4s
	WORD $0x6eb5b631 // sqrdmulh v17.4s, v17.4s, v21.4s
	WORD $0x6eb6b652 // sqrdmulh v18.4s, v18.4s, v22.4s
	WORD $0x6eb7b673 // sqrdmulh v19.4s, v19.4s, v23.4s
	WORD $0x4f211610 // ssra v16.4s, v16.4s, #31
	WORD $0x4f211631 // ssra v17.4s, v17.4s, #31
	WORD $0x4f211652 // ssra v18.4s, v18.4s, #31
	WORD $0x4f211673 // ssra v19.4s, v19.4s, #31
	WORD $0x4eb85610 // srshl v16.4s, v16.4s, v24.4s
	WORD $0x4eb95631 // srshl v17.4s, v17.4s, v25.4s
	WORD $0x4eba5652 // srshl v18.4s, v18.4s, v26.4s
	WORD $0x4ebb5673 // srshl v19.4s, v19.4s, v27.4s
	WORD $0x0e614a10 // sqxtn v16.4h, v16.4s
	WORD $0x4e614a30 // sqxtn2 v16.8h, v17.4s
	WORD $0x0e614a52 // sqxtn v18.4h, v18.4s
	WORD $0x4e614a72 // sqxtn2 v18.8h, v19.4s
	WORD $0x4e6a0e10 // sqadd v16.8h, v16.8h, v10.8h
	WORD $0x4e6a0e52 // sqadd v18.8h, v18.8h, v10.8h
	WORD $0x0e214a10 // sqxtn v16.8b, v16.8h
	WORD $0x4e214a50 // sqxtn2 v16.16b, v18.8h
	WORD $0x4e2b6610 // smax v16.16b, v16.16b, v11.16b
	WORD $0x4e2c6e10 // smin v16.16b, v16.16b, v12.16b
	MOVD R24, R10
	ADD R25, R24
	TBZ $3, R6, 3(PC)
	VST1.P V16.D[0], 8(R10)
	VEXT $8, V16.B16, V16.B16, V16.B16
	TBZ $2, R6, 3(PC)
	VST1.P V16.S[0], 4(R10)
	VEXT $4, V16.B16, V16.B16, V16.B16
	TBZ $1, R6, 3(PC)
	VST1.P V16.H[0], 2(R10)
	VEXT $2, V16.B16, V16.B16, V16.B16
	TBZ $0, R6, 2(PC)
	VST1 V16.B[0], (R10)
	SUBS $1, R12
	BNE dw_right_part
	B dw_row_end

dw_general_full:
	VLD1 (R5), [V16.S4, V17.S4, V18.S4, V19.S4] // bias
	VLD1.P (R13)(R23), [V13.B16]
	VLD1.P (R14)(R23), [V14.B16]
	WORD $0x0e20c1bc // smull v28.8h, v13.8b, v0.8b
	WORD $0x4e20c1bd // smull2 v29.8h, v13.16b, v0.16b
	WORD $0x0e2181dc // smlal v28.8h, v14.8b, v1.8b
	WORD $0x4e2181dd // smlal2 v29.8h, v14.16b, v1.16b
	WORD $0x0e7c1210 // saddw v16.4s, v16.4s, v28.4h
	WORD $0x4e7c1231 // saddw2 v17.4s, v17.4s, v28.8h
	WORD $0x0e7d1252 // saddw v18.4s, v18.4s, v29.4h
	WORD $0x4e7d1273 // saddw2 v19.4s, v19.4s, v29.8h
	VLD1.P (R15)(R23), [V13.B16]
	VLD1.P (R16)(R23), [V14.B16]
	WORD $0x0e22c1be // smull v30.8h, v13.8b, v2.8b
	WORD $0x4e22c1bf // smull2 v31.8h, v13.16b, v2.16b
	WORD $0x0e2381de // smlal v30.8h, v14.8b, v3.8b
	WORD $0x4e2381df // smlal2 v31.8h, v14.16b, v3.16b
	WORD $0x0e7e1210 // saddw v16.4s, v16.4s, v30.4h
	WORD $0x4e7e1231 // saddw2 v17.4s, v17.4s, v30.8h
	WORD $0x0e7f1252 // saddw v18.4s, v18.4s, v31.4h
	WORD $0x4e7f1273 // saddw2 v19.4s, v19.4s, v31.8h
	VLD1.P (R17)(R23), [V13.B16]
	VLD1.P (R19)(R23), [V14.B16]
	WORD $0x0e24c1bc // smull v28.8h, v13.8b, v4.8b
	WORD $0x4e24c1bd // smull2 v29.8h, v13.16b, v4.16b
	WORD $0x0e2581dc // smlal v28.8h, v14.8b, v5.8b
	WORD $0x4e2581dd // smlal2 v29.8h, v14.16b, v5.16b
	WORD $0x0e7c1210 // saddw v16.4s, v16.4s, v28.4h
	WORD $0x4e7c1231 // saddw2 v17.4s, v17.4s, v28.8h
	WORD $0x0e7d1252 // saddw v18.4s, v18.4s, v29.4h
	WORD $0x4e7d1273 // saddw2 v19.4s, v19.4s, v29.8h
	VLD1.P (R20)(R23), [V13.B16]
	VLD1.P (R21)(R23), [V14.B16]
	WORD $0x0e26c1be // smull v30.8h, v13.8b, v6.8b
	WORD $0x4e26c1bf // smull2 v31.8h, v13.16b, v6.16b
	WORD $0x0e2781de // smlal v30.8h, v14.8b, v7.8b
	WORD $0x4e2781df // smlal2 v31.8h, v14.16b, v7.16b
	WORD $0x0e7e1210 // saddw v16.4s, v16.4s, v30.4h
	WORD $0x4e7e1231 // saddw2 v17.4s, v17.4s, v30.8h
	WORD $0x0e7f1252 // saddw v18.4s, v18.4s, v31.4h
	WORD $0x4e7f1273 // saddw2 v19.4s, v19.4s, v31.8h
	VLD1.P (R22)(R23), [V13.B16]
	WORD $0x0e28c1bc // smull v28.8h, v13.8b, v8.8b
	WORD $0x4e28c1bd // smull2 v29.8h, v13.16b, v8.16b
	WORD $0x0e7c1210 // saddw v16.4s, v16.4s, v28.4h
	WORD $0x4e7c1231 // saddw2 v17.4s, v17.4s, v28.8h
	WORD $0x0e7d1252 // saddw v18.4s, v18.4s, v29.4h
	WORD $0x4e7d1273 // saddw2 v19.4s, v19.4s, v29.8h
	ADD $128, R5, R10
	VLD1 (R10), [V28.S4, V29.S4, V30.S4, V31.S4] // left shifts
	WORD $0x4ebc4610 // sshl v16.4s, v16.4s, v28.4s
	WORD $0x4ebd4631 // sshl v17.4s, v17.4s, v29.4s
	WORD $0x4ebe4652 // sshl v18.4s, v18.4s, v30.4s
	WORD $0x4ebf4673 // sshl v19.4s, v19.4s, v31.4s
	WORD $0x6eb4b610 // sqrdmulh v16.4s, v16.4s, v20.4s
	WORD $0x6eb5b631 // sqrdmulh v17.4s, v17.4s, v21.4s
	WORD $0x6eb6b652 // sqrdmulh v18.4s, v18.4s, v22.4s
	WORD $0x6eb7b673 // sqrdmulh v19.4s, v19.4s, v23.4s
	WORD $0x4e381e0d // and v13.16b, v16.16b, v24.16b
	WORD $0x4f2115b0 // ssra v16.4s, v13.4s, #31
	WORD $0x4e391e2d // and v13.16b, v17.16b, v25.16b
	WORD $0x4f2115b1 // ssra v17.4s, v13.4s, #31
	WORD $0x4e3a1e4d // and v13.16b, v18.16b, v26.16b
	WORD $0x4f2115b2 // ssra v18.4s, v13.4s, #31
	WORD $0x4e3b1e6d // and v13.16b, v19.16b, v27.16b
	WORD $0x4f2115b3 // ssra v19.4s, v13.4s, #31
	WORD $0x4eb85610 // srshl v16.4s, v16.4s, v24.4s
	WORD $0x4eb95631 // srshl v17.4s, v17.4s, v25.4s
	WORD $0x4eba5652 // srshl v18.4s, v18.4s, v26.4s
	WORD $0x4ebb5673 // srshl v19.4s, v19.4s, v27.4s
	WORD $0x4ea98610 // add v16.4s, v16.4s, v9.4s
	WORD $0x4ea98631 // add v17.4s, v17.4s, v9.4s
	WORD $0x4ea98652 // add v18.4s, v18.4s, v9.4s
	WORD $0x4ea98673 // add v19.4s, v19.4s, v9.4s
	WORD $0x0e614a10 // sqxtn v16.4h, v16.4s
	WORD $0x4e614a30 // sqxtn2 v16.8h, v17.4s
	WORD $0x0e614a52 // sqxtn v18.4h, v18.4s
	WORD $0x4e614a72 // sqxtn2 v18.8h, v19.4s
	WORD $0x0e214a10 // sqxtn v16.8b, v16.8h
	WORD $0x4e214a50 // sqxtn2 v16.16b, v18.8h
	WORD $0x4e2b6610 // smax v16.16b, v16.16b, v11.16b
	WORD $0x4e2c6e10 // smin v16.16b, v16.16b, v12.16b
	VST1.P [V16.B16], (R24)(R25)
	SUBS $1, R12
	BNE dw_general_full
	B dw_row_end

dw_general_part:
	VLD1 (R5), [V16.S4, V17.S4, V18.S4, V19.S4] // bias
	VLD1.P (R13)(R23), [V13.B16]
	VLD1.P (R14)(R23), [V14.B16]
	WORD $0x0e20c1bc // smull v28.8h, v13.8b, v0.8b
	WORD $0x4e20c1bd // smull2 v29.8h, v13.16b, v0.16b
	WORD $0x0e2181dc // smlal v28.8h, v14.8b, v1.8b
	WORD $0x4e2181dd // smlal2 v29.8h, v14.16b, v1.16b
	WORD $0x0e7c1210 // saddw v16.4s, v16.4s, v28.4h
	WORD $0x4e7c1231 // saddw2 v17.4s, v17.4s, v28.8h
	WORD $0x0e7d1252 // saddw v18.4s, v18.4s, v29.4h
	WORD $0x4e7d1273 // saddw2 v19.4s, v19.4s, v29.8h
	VLD1.P (R15)(R23), [V13.B16]
	VLD1.P (R16)(R23), [V14.B16]
	WORD $0x0e22c1be // smull v30.8h, v13.8b, v2.8b
	WORD $0x4e22c1bf // smull2 v31.8h, v13.16b, v2.16b
	WORD $0x0e2381de // smlal v30.8h, v14.8b, v3.8b
	WORD $0x4e2381df // smlal2 v31.8h, v14.16b, v3.16b
	WORD $0x0e7e1210 // saddw v16.4s, v16.4s, v30.4h
	WORD $0x4e7e1231 // saddw2 v17.4s, v17.4s, v30.8h
	WORD $0x0e7f1252 // saddw v18.4s, v18.4s, v31.4h
	WORD $0x4e7f1273 // saddw2 v19.4s, v19.4s, v31.8h
	VLD1.P (R17)(R23), [V13.B16]
	VLD1.P (R19)(R23), [V14.B16]
	WORD $0x0e24c1bc // smull v28.8h, v13.8b, v4.8b
	WORD $0x4e24c1bd // smull2 v29.8h, v13.16b, v4.16b
	WORD $0x0e2581dc // smlal v28.8h, v14.8b, v5.8b
	WORD $0x4e2581dd // smlal2 v29.8h, v14.16b, v5.16b
	WORD $0x0e7c1210 // saddw v16.4s, v16.4s, v28.4h
	WORD $0x4e7c1231 // saddw2 v17.4s, v17.4s, v28.8h
	WORD $0x0e7d1252 // saddw v18.4s, v18.4s, v29.4h
	WORD $0x4e7d1273 // saddw2 v19.4s, v19.4s, v29.8h
	VLD1.P (R20)(R23), [V13.B16]
	VLD1.P (R21)(R23), [V14.B16]
	WORD $0x0e26c1be // smull v30.8h, v13.8b, v6.8b
	WORD $0x4e26c1bf // smull2 v31.8h, v13.16b, v6.16b
	WORD $0x0e2781de // smlal v30.8h, v14.8b, v7.8b
	WORD $0x4e2781df // smlal2 v31.8h, v14.16b, v7.16b
	WORD $0x0e7e1210 // saddw v16.4s, v16.4s, v30.4h
	WORD $0x4e7e1231 // saddw2 v17.4s, v17.4s, v30.8h
	WORD $0x0e7f1252 // saddw v18.4s, v18.4s, v31.4h
	WORD $0x4e7f1273 // saddw2 v19.4s, v19.4s, v31.8h
	VLD1.P (R22)(R23), [V13.B16]
	WORD $0x0e28c1bc // smull v28.8h, v13.8b, v8.8b
	WORD $0x4e28c1bd // smull2 v29.8h, v13.16b, v8.16b
	WORD $0x0e7c1210 // saddw v16.4s, v16.4s, v28.4h
	WORD $0x4e7c1231 // saddw2 v17.4s, v17.4s, v28.8h
	WORD $0x0e7d1252 // saddw v18.4s, v18.4s, v29.4h
	WORD $0x4e7d1273 // saddw2 v19.4s, v19.4s, v29.8h
	ADD $128, R5, R10
	VLD1 (R10), [V28.S4, V29.S4, V30.S4, V31.S4] // left shifts
	WORD $0x4ebc4610 // sshl v16.4s, v16.4s, v28.4s
	WORD $0x4ebd4631 // sshl v17.4s, v17.4s, v29.4s
	WORD $0x4ebe4652 // sshl v18.4s, v18.4s, v30.4s
	WORD $0x4ebf4673 // sshl v19.4s, v19.4s, v31.4s
	WORD $0x6eb4b610 // sqrdmulh v16.4s, v16.4s, v20.4s
	WORD $0x6eb5b631 // sqrdmulh v17.4s, v17.4s, v21.4s
	WORD $0x6eb6b652 // sqrdmulh v18.4s, v18.4s, v22.4s
	WORD $0x6eb7b673 // sqrdmulh v19.4s, v19.4s, v23.4s
	WORD $0x4e381e0d // and v13.16b, v16.16b, v24.16b
	WORD $0x4f2115b0 // ssra v16.4s, v13.4s, #31
	WORD $0x4e391e2d // and v13.16b, v17.16b, v25.16b
	WORD $0x4f2115b1 // ssra v17.4s, v13.4s, #31
	WORD $0x4e3a1e4d // and v13.16b, v18.16b, v26.16b
	WORD $0x4f2115b2 // ssra v18.4s, v13.4s, #31
	WORD $0x4e3b1e6d // and v13.16b, v19.16b, v27.16b
	WORD $0x4f2115b3 // ssra v19.4s, v13.4s, #31
	WORD $0x4eb85610 // srshl v16.4s, v16.4s, v24.4s
	WORD $0x4eb95631 // srshl v17.4s, v17.4s, v25.4s
	WORD $0x4eba5652 // srshl v18.4s, v18.4s, v26.4s
	WORD $0x4ebb5673 // srshl v19.4s, v19.4s, v27.4s
	WORD $0x4ea98610 // add v16.4s, v16.4s, v9.4s
	WORD $0x4ea98631 // add v17.4s, v17.4s, v9.4s
	WORD $0x4ea98652 // add v18.4s, v18.4s, v9.4s
	WORD $0x4ea98673 // add v19.4s, v19.4s, v9.4s
	WORD $0x0e614a10 // sqxtn v16.4h, v16.4s
	WORD $0x4e614a30 // sqxtn2 v16.8h, v17.4s
	WORD $0x0e614a52 // sqxtn v18.4h, v18.4s
	WORD $0x4e614a72 // sqxtn2 v18.8h, v19.4s
	WORD $0x0e214a10 // sqxtn v16.8b, v16.8h
	WORD $0x4e214a50 // sqxtn2 v16.16b, v18.8h
	WORD $0x4e2b6610 // smax v16.16b, v16.16b, v11.16b
	WORD $0x4e2c6e10 // smin v16.16b, v16.16b, v12.16b
	MOVD R24, R10
	ADD R25, R24
	TBZ $3, R6, 3(PC)
	VST1.P V16.D[0], 8(R10)
	VEXT $8, V16.B16, V16.B16, V16.B16
	TBZ $2, R6, 3(PC)
	VST1.P V16.S[0], 4(R10)
	VEXT $4, V16.B16, V16.B16, V16.B16
	TBZ $1, R6, 3(PC)
	VST1.P V16.H[0], 2(R10)
	VEXT $2, V16.B16, V16.B16, V16.B16
	TBZ $0, R6, 2(PC)
	VST1 V16.B[0], (R10)
	SUBS $1, R12
	BNE dw_general_part
	B dw_row_end

dw_row_end:
	MOVD 144(R0), R10
	MOVD 200(R0), R11
	ADD R10, R8
	ADD R11, R9
	SUBS $1, R7
	BNE dw_row
	ADD $16, R2
	ADD $16, R3
	ADD $256, R5
	SUB $0x100, R1
	CMP $0x100, R1
	BHS dw_block
	RET

// func dwWideInt8(a *dwArgs)
TEXT ·dwWideInt8(SB), NOSPLIT, $0-8
	MOVD a+0(FP), R0
	VLD1 (R0), [V9.S4, V10.S4, V11.S4, V12.S4]
	MOVD 136(R0), R2
	MOVD 160(R0), R4
	MOVD 168(R0), R5
	MOVD 176(R0), R1
	MOVD 184(R0), R6
	MOVD 192(R0), R3
	MOVD 152(R0), R23
	MOVD 208(R0), R25
	MOVD 232(R0), R10
	LSL $8, R1
	AND $1, R10
	ORR R10, R1

dww_block:
	CMP $0x200, R1
	BHS 4(PC)
	CMP $16, R6
	BEQ 2(PC)
	ORR $2, R1
	VLD1.P 64(R4), [V0.B16, V1.B16, V2.B16, V3.B16]
	VLD1.P 64(R4), [V4.B16, V5.B16, V6.B16, V7.B16]
	VLD1.P 16(R4), [V8.B16]
	ADD $64, R5, R10
	VLD1 (R10), [V20.S4, V21.S4, V22.S4, V23.S4] // multipliers
	ADD $192, R5, R10
	VLD1 (R10), [V24.S4, V25.S4, V26.S4, V27.S4] // right shifts
	MOVD R2, R8
	MOVD R3, R9
	MOVD 216(R0), R7

dww_row:
	LDP 64(R0), (R13, R14)
	LDP 80(R0), (R15, R16)
	LDP 96(R0), (R17, R19)
	LDP 112(R0), (R20, R21)
	MOVD 128(R0), R22
	ADD R8, R13
	ADD R8, R14
	ADD R8, R15
	ADD R8, R16
	ADD R8, R17
	ADD R8, R19
	ADD R8, R20
	ADD R8, R21
	ADD R8, R22
	MOVD R9, R24
	MOVD 224(R0), R12
	AND $3, R1, R10
	CMP $1, R10
	BEQ dww_right_full
	CBZ R10, dww_general_full
	CMP $3, R10
	BEQ dww_right_part
	B dww_general_part

dww_right_full:
	VLD1 (R5), [V16.S4, V17.S4, V18.S4, V19.S4] // bias
	VLD1.P (R13)(R23), [V13.B16]
	WORD $0x0e20c1bc // smull v28.8h, v13.8b, v0.8b
	WORD $0x4e20c1bd // smull2 v29.8h, v13.16b, v0.16b
	WORD $0x0e7c1210 // saddw v16.4s, v16.4s, v28.4h
	WORD $0x4e7c1231 // saddw2 v17.4s, v17.4s, v28.8h
	WORD $0x0e7d1252 // saddw v18.4s, v18.4s, v29.4h
	WORD $0x4e7d1273 // saddw2 v19.4s, v19.4s, v29.8h
	VLD1.P (R14)(R23), [V14.B16]
	WORD $0x0e21c1de // smull v30.8h, v14.8b, v1.8b
	WORD $0x4e21c1df // smull2 v31.8h, v14.16b, v1.16b
	WORD $0x0e7e1210 // saddw v16.4s, v16.4s, v30.4h
	WORD $0x4e7e1231 // saddw2 v17.4s, v17.4s, v30.8h
	WORD $0x0e7f1252 // saddw v18.4s, v18.4s, v31.4h
	WORD $0x4e7f1273 // saddw2 v19.4s, v19.4s, v31.8h
	VLD1.P (R15)(R23), [V13.B16]
	WORD $0x0e22c1bc // smull v28.8h, v13.8b, v2.8b
	WORD $0x4e22c1bd // smull2 v29.8h, v13.16b, v2.16b
	WORD $0x0e7c1210 // saddw v16.4s, v16.4s, v28.4h
	WORD $0x4e7c1231 // saddw2 v17.4s, v17.4s, v28.8h
	WORD $0x0e7d1252 // saddw v18.4s, v18.4s, v29.4h
	WORD $0x4e7d1273 // saddw2 v19.4s, v19.4s, v29.8h
	VLD1.P (R16)(R23), [V14.B16]
	WORD $0x0e23c1de // smull v30.8h, v14.8b, v3.8b
	WORD $0x4e23c1df // smull2 v31.8h, v14.16b, v3.16b
	WORD $0x0e7e1210 // saddw v16.4s, v16.4s, v30.4h
	WORD $0x4e7e1231 // saddw2 v17.4s, v17.4s, v30.8h
	WORD $0x0e7f1252 // saddw v18.4s, v18.4s, v31.4h
	WORD $0x4e7f1273 // saddw2 v19.4s, v19.4s, v31.8h
	VLD1.P (R17)(R23), [V13.B16]
	WORD $0x0e24c1bc // smull v28.8h, v13.8b, v4.8b
	WORD $0x4e24c1bd // smull2 v29.8h, v13.16b, v4.16b
	WORD $0x0e7c1210 // saddw v16.4s, v16.4s, v28.4h
	WORD $0x4e7c1231 // saddw2 v17.4s, v17.4s, v28.8h
	WORD $0x0e7d1252 // saddw v18.4s, v18.4s, v29.4h
	WORD $0x4e7d1273 // saddw2 v19.4s, v19.4s, v29.8h
	VLD1.P (R19)(R23), [V14.B16]
	WORD $0x0e25c1de // smull v30.8h, v14.8b, v5.8b
	WORD $0x4e25c1df // smull2 v31.8h, v14.16b, v5.16b
	WORD $0x0e7e1210 // saddw v16.4s, v16.4s, v30.4h
	WORD $0x4e7e1231 // saddw2 v17.4s, v17.4s, v30.8h
	WORD $0x0e7f1252 // saddw v18.4s, v18.4s, v31.4h
	WORD $0x4e7f1273 // saddw2 v19.4s, v19.4s, v31.8h
	VLD1.P (R20)(R23), [V13.B16]
	WORD $0x0e26c1bc // smull v28.8h, v13.8b, v6.8b
	WORD $0x4e26c1bd // smull2 v29.8h, v13.16b, v6.16b
	WORD $0x0e7c1210 // saddw v16.4s, v16.4s, v28.4h
	WORD $0x4e7c1231 // saddw2 v17.4s, v17.4s, v28.8h
	WORD $0x0e7d1252 // saddw v18.4s, v18.4s, v29.4h
	WORD $0x4e7d1273 // saddw2 v19.4s, v19.4s, v29.8h
	VLD1.P (R21)(R23), [V14.B16]
	WORD $0x0e27c1de // smull v30.8h, v14.8b, v7.8b
	WORD $0x4e27c1df // smull2 v31.8h, v14.16b, v7.16b
	WORD $0x0e7e1210 // saddw v16.4s, v16.4s, v30.4h
	WORD $0x4e7e1231 // saddw2 v17.4s, v17.4s, v30.8h
	WORD $0x0e7f1252 // saddw v18.4s, v18.4s, v31.4h
	WORD $0x4e7f1273 // saddw2 v19.4s, v19.4s, v31.8h
	VLD1.P (R22)(R23), [V13.B16]
	WORD $0x0e28c1bc // smull v28.8h, v13.8b, v8.8b
	WORD $0x4e28c1bd // smull2 v29.8h, v13.16b, v8.16b
	WORD $0x0e7c1210 // saddw v16.4s, v16.4s, v28.4h
	WORD $0x4e7c1231 // saddw2 v17.4s, v17.4s, v28.8h
	WORD $0x0e7d1252 // saddw v18.4s, v18.4s, v29.4h
	WORD $0x4e7d1273 // saddw2 v19.4s, v19.4s, v29.8h
	WORD $0x6eb4b610 // sqrdmulh v16.4s, v16.4s, v20.4s
	WORD $0x6eb5b631 // sqrdmulh v17.4s, v17.4s, v21.4s
	WORD $0x6eb6b652 // sqrdmulh v18.4s, v18.4s, v22.4s
	WORD $0x6eb7b673 // sqrdmulh v19.4s, v19.4s, v23.4s
	WORD $0x4f211610 // ssra v16.4s, v16.4s, #31
	WORD $0x4f211631 // ssra v17.4s, v17.4s, #31
	WORD $0x4f211652 // ssra v18.4s, v18.4s, #31
	WORD $0x4f211673 // ssra v19.4s, v19.4s, #31
	WORD $0x4eb85610 // srshl v16.4s, v16.4s, v24.4s
	WORD $0x4eb95631 // srshl v17.4s, v17.4s, v25.4s
	WORD $0x4eba5652 // srshl v18.4s, v18.4s, v26.4s
	WORD $0x4ebb5673 // srshl v19.4s, v19.4s, v27.4s
	WORD $0x0e614a10 // sqxtn v16.4h, v16.4s
	WORD $0x4e614a30 // sqxtn2 v16.8h, v17.4s
	WORD $0x0e614a52 // sqxtn v18.4h, v18.4s
	WORD $0x4e614a72 // sqxtn2 v18.8h, v19.4s
	WORD $0x4e6a0e10 // sqadd v16.8h, v16.8h, v10.8h
	WORD $0x4e6a0e52 // sqadd v18.8h, v18.8h, v10.8h
	WORD $0x0e214a10 // sqxtn v16.8b, v16.8h
	WORD $0x4e214a50 // sqxtn2 v16.16b, v18.8h
	WORD $0x4e2b6610 // smax v16.16b, v16.16b, v11.16b
	WORD $0x4e2c6e10 // smin v16.16b, v16.16b, v12.16b
	VST1.P [V16.B16], (R24)(R25)
	SUBS $1, R12
	BNE dww_right_full
	B dww_row_end

dww_right_part:
	VLD1 (R5), [V16.S4, V17.S4, V18.S4, V19.S4] // bias
	VLD1.P (R13)(R23), [V13.B16]
	WORD $0x0e20c1bc // smull v28.8h, v13.8b, v0.8b
	WORD $0x4e20c1bd // smull2 v29.8h, v13.16b, v0.16b
	WORD $0x0e7c1210 // saddw v16.4s, v16.4s, v28.4h
	WORD $0x4e7c1231 // saddw2 v17.4s, v17.4s, v28.8h
	WORD $0x0e7d1252 // saddw v18.4s, v18.4s, v29.4h
	WORD $0x4e7d1273 // saddw2 v19.4s, v19.4s, v29.8h
	VLD1.P (R14)(R23), [V14.B16]
	WORD $0x0e21c1de // smull v30.8h, v14.8b, v1.8b
	WORD $0x4e21c1df // smull2 v31.8h, v14.16b, v1.16b
	WORD $0x0e7e1210 // saddw v16.4s, v16.4s, v30.4h
	WORD $0x4e7e1231 // saddw2 v17.4s, v17.4s, v30.8h
	WORD $0x0e7f1252 // saddw v18.4s, v18.4s, v31.4h
	WORD $0x4e7f1273 // saddw2 v19.4s, v19.4s, v31.8h
	VLD1.P (R15)(R23), [V13.B16]
	WORD $0x0e22c1bc // smull v28.8h, v13.8b, v2.8b
	WORD $0x4e22c1bd // smull2 v29.8h, v13.16b, v2.16b
	WORD $0x0e7c1210 // saddw v16.4s, v16.4s, v28.4h
	WORD $0x4e7c1231 // saddw2 v17.4s, v17.4s, v28.8h
	WORD $0x0e7d1252 // saddw v18.4s, v18.4s, v29.4h
	WORD $0x4e7d1273 // saddw2 v19.4s, v19.4s, v29.8h
	VLD1.P (R16)(R23), [V14.B16]
	WORD $0x0e23c1de // smull v30.8h, v14.8b, v3.8b
	WORD $0x4e23c1df // smull2 v31.8h, v14.16b, v3.16b
	WORD $0x0e7e1210 // saddw v16.4s, v16.4s, v30.4h
	WORD $0x4e7e1231 // saddw2 v17.4s, v17.4s, v30.8h
	WORD $0x0e7f1252 // saddw v18.4s, v18.4s, v31.4h
	WORD $0x4e7f1273 // saddw2 v19.4s, v19.4s, v31.8h
	VLD1.P (R17)(R23), [V13.B16]
	WORD $0x0e24c1bc // smull v28.8h, v13.8b, v4.8b
	WORD $0x4e24c1bd // smull2 v29.8h, v13.16b, v4.16b
	WORD $0x0e7c1210 // saddw v16.4s, v16.4s, v28.4h
	WORD $0x4e7c1231 // saddw2 v17.4s, v17.4s, v28.8h
	WORD $0x0e7d1252 // saddw v18.4s, v18.4s, v29.4h
	WORD $0x4e7d1273 // saddw2 v19.4s, v19.4s, v29.8h
	VLD1.P (R19)(R23), [V14.B16]
	WORD $0x0e25c1de // smull v30.8h, v14.8b, v5.8b
	WORD $0x4e25c1df // smull2 v31.8h, v14.16b, v5.16b
	WORD $0x0e7e1210 // saddw v16.4s, v16.4s, v30.4h
	WORD $0x4e7e1231 // saddw2 v17.4s, v17.4s, v30.8h
	WORD $0x0e7f1252 // saddw v18.4s, v18.4s, v31.4h
	WORD $0x4e7f1273 // saddw2 v19.4s, v19.4s, v31.8h
	VLD1.P (R20)(R23), [V13.B16]
	WORD $0x0e26c1bc // smull v28.8h, v13.8b, v6.8b
	WORD $0x4e26c1bd // smull2 v29.8h, v13.16b, v6.16b
	WORD $0x0e7c1210 // saddw v16.4s, v16.4s, v28.4h
	WORD $0x4e7c1231 // saddw2 v17.4s, v17.4s, v28.8h
	WORD $0x0e7d1252 // saddw v18.4s, v18.4s, v29.4h
	WORD $0x4e7d1273 // saddw2 v19.4s, v19.4s, v29.8h
	VLD1.P (R21)(R23), [V14.B16]
	WORD $0x0e27c1de // smull v30.8h, v14.8b, v7.8b
	WORD $0x4e27c1df // smull2 v31.8h, v14.16b, v7.16b
	WORD $0x0e7e1210 // saddw v16.4s, v16.4s, v30.4h
	WORD $0x4e7e1231 // saddw2 v17.4s, v17.4s, v30.8h
	WORD $0x0e7f1252 // saddw v18.4s, v18.4s, v31.4h
	WORD $0x4e7f1273 // saddw2 v19.4s, v19.4s, v31.8h
	VLD1.P (R22)(R23), [V13.B16]
	WORD $0x0e28c1bc // smull v28.8h, v13.8b, v8.8b
	WORD $0x4e28c1bd // smull2 v29.8h, v13.16b, v8.16b
	WORD $0x0e7c1210 // saddw v16.4s, v16.4s, v28.4h
	WORD $0x4e7c1231 // saddw2 v17.4s, v17.4s, v28.8h
	WORD $0x0e7d1252 // saddw v18.4s, v18.4s, v29.4h
	WORD $0x4e7d1273 // saddw2 v19.4s, v19.4s, v29.8h
	WORD $0x6eb4b610 // sqrdmulh v16.4s, v16.4s, v20.4s
	WORD $0x6eb5b631 // sqrdmulh v17.4s, v17.4s, v21.4s
	WORD $0x6eb6b652 // sqrdmulh v18.4s, v18.4s, v22.4s
	WORD $0x6eb7b673 // sqrdmulh v19.4s, v19.4s, v23.4s
	WORD $0x4f211610 // ssra v16.4s, v16.4s, #31
	WORD $0x4f211631 // ssra v17.4s, v17.4s, #31
	WORD $0x4f211652 // ssra v18.4s, v18.4s, #31
	WORD $0x4f211673 // ssra v19.4s, v19.4s, #31
	WORD $0x4eb85610 // srshl v16.4s, v16.4s, v24.4s
	WORD $0x4eb95631 // srshl v17.4s, v17.4s, v25.4s
	WORD $0x4eba5652 // srshl v18.4s, v18.4s, v26.4s
	WORD $0x4ebb5673 // srshl v19.4s, v19.4s, v27.4s
	WORD $0x0e614a10 // sqxtn v16.4h, v16.4s
	WORD $0x4e614a30 // sqxtn2 v16.8h, v17.4s
	WORD $0x0e614a52 // sqxtn v18.4h, v18.4s
	WORD $0x4e614a72 // sqxtn2 v18.8h, v19.4s
	WORD $0x4e6a0e10 // sqadd v16.8h, v16.8h, v10.8h
	WORD $0x4e6a0e52 // sqadd v18.8h, v18.8h, v10.8h
	WORD $0x0e214a10 // sqxtn v16.8b, v16.8h
	WORD $0x4e214a50 // sqxtn2 v16.16b, v18.8h
	WORD $0x4e2b6610 // smax v16.16b, v16.16b, v11.16b
	WORD $0x4e2c6e10 // smin v16.16b, v16.16b, v12.16b
	MOVD R24, R10
	ADD R25, R24
	TBZ $3, R6, 3(PC)
	VST1.P V16.D[0], 8(R10)
	VEXT $8, V16.B16, V16.B16, V16.B16
	TBZ $2, R6, 3(PC)
	VST1.P V16.S[0], 4(R10)
	VEXT $4, V16.B16, V16.B16, V16.B16
	TBZ $1, R6, 3(PC)
	VST1.P V16.H[0], 2(R10)
	VEXT $2, V16.B16, V16.B16, V16.B16
	TBZ $0, R6, 2(PC)
	VST1 V16.B[0], (R10)
	SUBS $1, R12
	BNE dww_right_part
	B dww_row_end

dww_general_full:
	VLD1 (R5), [V16.S4, V17.S4, V18.S4, V19.S4] // bias
	VLD1.P (R13)(R23), [V13.B16]
	WORD $0x0e20c1bc // smull v28.8h, v13.8b, v0.8b
	WORD $0x4e20c1bd // smull2 v29.8h, v13.16b, v0.16b
	WORD $0x0e7c1210 // saddw v16.4s, v16.4s, v28.4h
	WORD $0x4e7c1231 // saddw2 v17.4s, v17.4s, v28.8h
	WORD $0x0e7d1252 // saddw v18.4s, v18.4s, v29.4h
	WORD $0x4e7d1273 // saddw2 v19.4s, v19.4s, v29.8h
	VLD1.P (R14)(R23), [V14.B16]
	WORD $0x0e21c1de // smull v30.8h, v14.8b, v1.8b
	WORD $0x4e21c1df // smull2 v31.8h, v14.16b, v1.16b
	WORD $0x0e7e1210 // saddw v16.4s, v16.4s, v30.4h
	WORD $0x4e7e1231 // saddw2 v17.4s, v17.4s, v30.8h
	WORD $0x0e7f1252 // saddw v18.4s, v18.4s, v31.4h
	WORD $0x4e7f1273 // saddw2 v19.4s, v19.4s, v31.8h
	VLD1.P (R15)(R23), [V13.B16]
	WORD $0x0e22c1bc // smull v28.8h, v13.8b, v2.8b
	WORD $0x4e22c1bd // smull2 v29.8h, v13.16b, v2.16b
	WORD $0x0e7c1210 // saddw v16.4s, v16.4s, v28.4h
	WORD $0x4e7c1231 // saddw2 v17.4s, v17.4s, v28.8h
	WORD $0x0e7d1252 // saddw v18.4s, v18.4s, v29.4h
	WORD $0x4e7d1273 // saddw2 v19.4s, v19.4s, v29.8h
	VLD1.P (R16)(R23), [V14.B16]
	WORD $0x0e23c1de // smull v30.8h, v14.8b, v3.8b
	WORD $0x4e23c1df // smull2 v31.8h, v14.16b, v3.16b
	WORD $0x0e7e1210 // saddw v16.4s, v16.4s, v30.4h
	WORD $0x4e7e1231 // saddw2 v17.4s, v17.4s, v30.8h
	WORD $0x0e7f1252 // saddw v18.4s, v18.4s, v31.4h
	WORD $0x4e7f1273 // saddw2 v19.4s, v19.4s, v31.8h
	VLD1.P (R17)(R23), [V13.B16]
	WORD $0x0e24c1bc // smull v28.8h, v13.8b, v4.8b
	WORD $0x4e24c1bd // smull2 v29.8h, v13.16b, v4.16b
	WORD $0x0e7c1210 // saddw v16.4s, v16.4s, v28.4h
	WORD $0x4e7c1231 // saddw2 v17.4s, v17.4s, v28.8h
	WORD $0x0e7d1252 // saddw v18.4s, v18.4s, v29.4h
	WORD $0x4e7d1273 // saddw2 v19.4s, v19.4s, v29.8h
	VLD1.P (R19)(R23), [V14.B16]
	WORD $0x0e25c1de // smull v30.8h, v14.8b, v5.8b
	WORD $0x4e25c1df // smull2 v31.8h, v14.16b, v5.16b
	WORD $0x0e7e1210 // saddw v16.4s, v16.4s, v30.4h
	WORD $0x4e7e1231 // saddw2 v17.4s, v17.4s, v30.8h
	WORD $0x0e7f1252 // saddw v18.4s, v18.4s, v31.4h
	WORD $0x4e7f1273 // saddw2 v19.4s, v19.4s, v31.8h
	VLD1.P (R20)(R23), [V13.B16]
	WORD $0x0e26c1bc // smull v28.8h, v13.8b, v6.8b
	WORD $0x4e26c1bd // smull2 v29.8h, v13.16b, v6.16b
	WORD $0x0e7c1210 // saddw v16.4s, v16.4s, v28.4h
	WORD $0x4e7c1231 // saddw2 v17.4s, v17.4s, v28.8h
	WORD $0x0e7d1252 // saddw v18.4s, v18.4s, v29.4h
	WORD $0x4e7d1273 // saddw2 v19.4s, v19.4s, v29.8h
	VLD1.P (R21)(R23), [V14.B16]
	WORD $0x0e27c1de // smull v30.8h, v14.8b, v7.8b
	WORD $0x4e27c1df // smull2 v31.8h, v14.16b, v7.16b
	WORD $0x0e7e1210 // saddw v16.4s, v16.4s, v30.4h
	WORD $0x4e7e1231 // saddw2 v17.4s, v17.4s, v30.8h
	WORD $0x0e7f1252 // saddw v18.4s, v18.4s, v31.4h
	WORD $0x4e7f1273 // saddw2 v19.4s, v19.4s, v31.8h
	VLD1.P (R22)(R23), [V13.B16]
	WORD $0x0e28c1bc // smull v28.8h, v13.8b, v8.8b
	WORD $0x4e28c1bd // smull2 v29.8h, v13.16b, v8.16b
	WORD $0x0e7c1210 // saddw v16.4s, v16.4s, v28.4h
	WORD $0x4e7c1231 // saddw2 v17.4s, v17.4s, v28.8h
	WORD $0x0e7d1252 // saddw v18.4s, v18.4s, v29.4h
	WORD $0x4e7d1273 // saddw2 v19.4s, v19.4s, v29.8h
	ADD $128, R5, R10
	VLD1 (R10), [V28.S4, V29.S4, V30.S4, V31.S4] // left shifts
	WORD $0x4ebc4610 // sshl v16.4s, v16.4s, v28.4s
	WORD $0x4ebd4631 // sshl v17.4s, v17.4s, v29.4s
	WORD $0x4ebe4652 // sshl v18.4s, v18.4s, v30.4s
	WORD $0x4ebf4673 // sshl v19.4s, v19.4s, v31.4s
	WORD $0x6eb4b610 // sqrdmulh v16.4s, v16.4s, v20.4s
	WORD $0x6eb5b631 // sqrdmulh v17.4s, v17.4s, v21.4s
	WORD $0x6eb6b652 // sqrdmulh v18.4s, v18.4s, v22.4s
	WORD $0x6eb7b673 // sqrdmulh v19.4s, v19.4s, v23.4s
	WORD $0x4e381e0d // and v13.16b, v16.16b, v24.16b
	WORD $0x4f2115b0 // ssra v16.4s, v13.4s, #31
	WORD $0x4e391e2d // and v13.16b, v17.16b, v25.16b
	WORD $0x4f2115b1 // ssra v17.4s, v13.4s, #31
	WORD $0x4e3a1e4d // and v13.16b, v18.16b, v26.16b
	WORD $0x4f2115b2 // ssra v18.4s, v13.4s, #31
	WORD $0x4e3b1e6d // and v13.16b, v19.16b, v27.16b
	WORD $0x4f2115b3 // ssra v19.4s, v13.4s, #31
	WORD $0x4eb85610 // srshl v16.4s, v16.4s, v24.4s
	WORD $0x4eb95631 // srshl v17.4s, v17.4s, v25.4s
	WORD $0x4eba5652 // srshl v18.4s, v18.4s, v26.4s
	WORD $0x4ebb5673 // srshl v19.4s, v19.4s, v27.4s
	WORD $0x4ea98610 // add v16.4s, v16.4s, v9.4s
	WORD $0x4ea98631 // add v17.4s, v17.4s, v9.4s
	WORD $0x4ea98652 // add v18.4s, v18.4s, v9.4s
	WORD $0x4ea98673 // add v19.4s, v19.4s, v9.4s
	WORD $0x0e614a10 // sqxtn v16.4h, v16.4s
	WORD $0x4e614a30 // sqxtn2 v16.8h, v17.4s
	WORD $0x0e614a52 // sqxtn v18.4h, v18.4s
	WORD $0x4e614a72 // sqxtn2 v18.8h, v19.4s
	WORD $0x0e214a10 // sqxtn v16.8b, v16.8h
	WORD $0x4e214a50 // sqxtn2 v16.16b, v18.8h
	WORD $0x4e2b6610 // smax v16.16b, v16.16b, v11.16b
	WORD $0x4e2c6e10 // smin v16.16b, v16.16b, v12.16b
	VST1.P [V16.B16], (R24)(R25)
	SUBS $1, R12
	BNE dww_general_full
	B dww_row_end

dww_general_part:
	VLD1 (R5), [V16.S4, V17.S4, V18.S4, V19.S4] // bias
	VLD1.P (R13)(R23), [V13.B16]
	WORD $0x0e20c1bc // smull v28.8h, v13.8b, v0.8b
	WORD $0x4e20c1bd // smull2 v29.8h, v13.16b, v0.16b
	WORD $0x0e7c1210 // saddw v16.4s, v16.4s, v28.4h
	WORD $0x4e7c1231 // saddw2 v17.4s, v17.4s, v28.8h
	WORD $0x0e7d1252 // saddw v18.4s, v18.4s, v29.4h
	WORD $0x4e7d1273 // saddw2 v19.4s, v19.4s, v29.8h
	VLD1.P (R14)(R23), [V14.B16]
	WORD $0x0e21c1de // smull v30.8h, v14.8b, v1.8b
	WORD $0x4e21c1df // smull2 v31.8h, v14.16b, v1.16b
	WORD $0x0e7e1210 // saddw v16.4s, v16.4s, v30.4h
	WORD $0x4e7e1231 // saddw2 v17.4s, v17.4s, v30.8h
	WORD $0x0e7f1252 // saddw v18.4s, v18.4s, v31.4h
	WORD $0x4e7f1273 // saddw2 v19.4s, v19.4s, v31.8h
	VLD1.P (R15)(R23), [V13.B16]
	WORD $0x0e22c1bc // smull v28.8h, v13.8b, v2.8b
	WORD $0x4e22c1bd // smull2 v29.8h, v13.16b, v2.16b
	WORD $0x0e7c1210 // saddw v16.4s, v16.4s, v28.4h
	WORD $0x4e7c1231 // saddw2 v17.4s, v17.4s, v28.8h
	WORD $0x0e7d1252 // saddw v18.4s, v18.4s, v29.4h
	WORD $0x4e7d1273 // saddw2 v19.4s, v19.4s, v29.8h
	VLD1.P (R16)(R23), [V14.B16]
	WORD $0x0e23c1de // smull v30.8h, v14.8b, v3.8b
	WORD $0x4e23c1df // smull2 v31.8h, v14.16b, v3.16b
	WORD $0x0e7e1210 // saddw v16.4s, v16.4s, v30.4h
	WORD $0x4e7e1231 // saddw2 v17.4s, v17.4s, v30.8h
	WORD $0x0e7f1252 // saddw v18.4s, v18.4s, v31.4h
	WORD $0x4e7f1273 // saddw2 v19.4s, v19.4s, v31.8h
	VLD1.P (R17)(R23), [V13.B16]
	WORD $0x0e24c1bc // smull v28.8h, v13.8b, v4.8b
	WORD $0x4e24c1bd // smull2 v29.8h, v13.16b, v4.16b
	WORD $0x0e7c1210 // saddw v16.4s, v16.4s, v28.4h
	WORD $0x4e7c1231 // saddw2 v17.4s, v17.4s, v28.8h
	WORD $0x0e7d1252 // saddw v18.4s, v18.4s, v29.4h
	WORD $0x4e7d1273 // saddw2 v19.4s, v19.4s, v29.8h
	VLD1.P (R19)(R23), [V14.B16]
	WORD $0x0e25c1de // smull v30.8h, v14.8b, v5.8b
	WORD $0x4e25c1df // smull2 v31.8h, v14.16b, v5.16b
	WORD $0x0e7e1210 // saddw v16.4s, v16.4s, v30.4h
	WORD $0x4e7e1231 // saddw2 v17.4s, v17.4s, v30.8h
	WORD $0x0e7f1252 // saddw v18.4s, v18.4s, v31.4h
	WORD $0x4e7f1273 // saddw2 v19.4s, v19.4s, v31.8h
	VLD1.P (R20)(R23), [V13.B16]
	WORD $0x0e26c1bc // smull v28.8h, v13.8b, v6.8b
	WORD $0x4e26c1bd // smull2 v29.8h, v13.16b, v6.16b
	WORD $0x0e7c1210 // saddw v16.4s, v16.4s, v28.4h
	WORD $0x4e7c1231 // saddw2 v17.4s, v17.4s, v28.8h
	WORD $0x0e7d1252 // saddw v18.4s, v18.4s, v29.4h
	WORD $0x4e7d1273 // saddw2 v19.4s, v19.4s, v29.8h
	VLD1.P (R21)(R23), [V14.B16]
	WORD $0x0e27c1de // smull v30.8h, v14.8b, v7.8b
	WORD $0x4e27c1df // smull2 v31.8h, v14.16b, v7.16b
	WORD $0x0e7e1210 // saddw v16.4s, v16.4s, v30.4h
	WORD $0x4e7e1231 // saddw2 v17.4s, v17.4s, v30.8h
	WORD $0x0e7f1252 // saddw v18.4s, v18.4s, v31.4h
	WORD $0x4e7f1273 // saddw2 v19.4s, v19.4s, v31.8h
	VLD1.P (R22)(R23), [V13.B16]
	WORD $0x0e28c1bc // smull v28.8h, v13.8b, v8.8b
	WORD $0x4e28c1bd // smull2 v29.8h, v13.16b, v8.16b
	WORD $0x0e7c1210 // saddw v16.4s, v16.4s, v28.4h
	WORD $0x4e7c1231 // saddw2 v17.4s, v17.4s, v28.8h
	WORD $0x0e7d1252 // saddw v18.4s, v18.4s, v29.4h
	WORD $0x4e7d1273 // saddw2 v19.4s, v19.4s, v29.8h
	ADD $128, R5, R10
	VLD1 (R10), [V28.S4, V29.S4, V30.S4, V31.S4] // left shifts
	WORD $0x4ebc4610 // sshl v16.4s, v16.4s, v28.4s
	WORD $0x4ebd4631 // sshl v17.4s, v17.4s, v29.4s
	WORD $0x4ebe4652 // sshl v18.4s, v18.4s, v30.4s
	WORD $0x4ebf4673 // sshl v19.4s, v19.4s, v31.4s
	WORD $0x6eb4b610 // sqrdmulh v16.4s, v16.4s, v20.4s
	WORD $0x6eb5b631 // sqrdmulh v17.4s, v17.4s, v21.4s
	WORD $0x6eb6b652 // sqrdmulh v18.4s, v18.4s, v22.4s
	WORD $0x6eb7b673 // sqrdmulh v19.4s, v19.4s, v23.4s
	WORD $0x4e381e0d // and v13.16b, v16.16b, v24.16b
	WORD $0x4f2115b0 // ssra v16.4s, v13.4s, #31
	WORD $0x4e391e2d // and v13.16b, v17.16b, v25.16b
	WORD $0x4f2115b1 // ssra v17.4s, v13.4s, #31
	WORD $0x4e3a1e4d // and v13.16b, v18.16b, v26.16b
	WORD $0x4f2115b2 // ssra v18.4s, v13.4s, #31
	WORD $0x4e3b1e6d // and v13.16b, v19.16b, v27.16b
	WORD $0x4f2115b3 // ssra v19.4s, v13.4s, #31
	WORD $0x4eb85610 // srshl v16.4s, v16.4s, v24.4s
	WORD $0x4eb95631 // srshl v17.4s, v17.4s, v25.4s
	WORD $0x4eba5652 // srshl v18.4s, v18.4s, v26.4s
	WORD $0x4ebb5673 // srshl v19.4s, v19.4s, v27.4s
	WORD $0x4ea98610 // add v16.4s, v16.4s, v9.4s
	WORD $0x4ea98631 // add v17.4s, v17.4s, v9.4s
	WORD $0x4ea98652 // add v18.4s, v18.4s, v9.4s
	WORD $0x4ea98673 // add v19.4s, v19.4s, v9.4s
	WORD $0x0e614a10 // sqxtn v16.4h, v16.4s
	WORD $0x4e614a30 // sqxtn2 v16.8h, v17.4s
	WORD $0x0e614a52 // sqxtn v18.4h, v18.4s
	WORD $0x4e614a72 // sqxtn2 v18.8h, v19.4s
	WORD $0x0e214a10 // sqxtn v16.8b, v16.8h
	WORD $0x4e214a50 // sqxtn2 v16.16b, v18.8h
	WORD $0x4e2b6610 // smax v16.16b, v16.16b, v11.16b
	WORD $0x4e2c6e10 // smin v16.16b, v16.16b, v12.16b
	MOVD R24, R10
	ADD R25, R24
	TBZ $3, R6, 3(PC)
	VST1.P V16.D[0], 8(R10)
	VEXT $8, V16.B16, V16.B16, V16.B16
	TBZ $2, R6, 3(PC)
	VST1.P V16.S[0], 4(R10)
	VEXT $4, V16.B16, V16.B16, V16.B16
	TBZ $1, R6, 3(PC)
	VST1.P V16.H[0], 2(R10)
	VEXT $2, V16.B16, V16.B16, V16.B16
	TBZ $0, R6, 2(PC)
	VST1 V16.B[0], (R10)
	SUBS $1, R12
	BNE dww_general_part
	B dww_row_end

dww_row_end:
	MOVD 144(R0), R10
	MOVD 200(R0), R11
	ADD R10, R8
	ADD R11, R9
	SUBS $1, R7
	BNE dww_row
	ADD $16, R2
	ADD $16, R3
	ADD $256, R5
	SUB $0x100, R1
	CMP $0x100, R1
	BHS dww_block
	RET

// func dwDotInt8(a *dwArgs)
TEXT ·dwDotInt8(SB), NOSPLIT, $0-8
	MOVD a+0(FP), R0
	VLD1 (R0), [V9.S4, V10.S4, V11.S4, V12.S4]
	MOVD 136(R0), R2
	MOVD 160(R0), R4
	MOVD 168(R0), R5
	MOVD 176(R0), R1
	MOVD 184(R0), R6
	MOVD 192(R0), R3
	MOVD 152(R0), R23
	MOVD 208(R0), R25
	MOVD 232(R0), R10
	LSL $8, R1
	AND $1, R10
	ORR R10, R1

dwd_block:
	CMP $0x200, R1
	BHS 4(PC)
	CMP $16, R6
	BEQ 2(PC)
	ORR $2, R1
	VLD1.P 64(R4), [V0.B16, V1.B16, V2.B16, V3.B16]
	VLD1.P 64(R4), [V4.B16, V5.B16, V6.B16, V7.B16]
	VLD1.P 16(R4), [V8.B16]
	ADD $64, R5, R10
	VLD1 (R10), [V20.S4, V21.S4, V22.S4, V23.S4] // multipliers
	ADD $192, R5, R10
	VLD1 (R10), [V24.S4, V25.S4, V26.S4, V27.S4] // right shifts
	MOVD R2, R8
	MOVD R3, R9
	MOVD 216(R0), R7

dwd_row:
	LDP 64(R0), (R13, R14)
	LDP 80(R0), (R15, R16)
	LDP 96(R0), (R17, R19)
	LDP 112(R0), (R20, R21)
	MOVD 128(R0), R22
	ADD R8, R13
	ADD R8, R14
	ADD R8, R15
	ADD R8, R16
	ADD R8, R17
	ADD R8, R19
	ADD R8, R20
	ADD R8, R21
	ADD R8, R22
	MOVD R9, R24
	MOVD 224(R0), R12
	AND $3, R1, R10
	CMP $1, R10
	BEQ dwd_right_full
	CBZ R10, dwd_general_full
	CMP $3, R10
	BEQ dwd_right_part
	B dwd_general_part

dwd_right_full:
	VLD1 (R5), [V16.S4, V17.S4, V18.S4, V19.S4] // bias
	VLD1.P (R13)(R23), [V28.B16]
	VLD1.P (R14)(R23), [V29.B16]
	VLD1.P (R15)(R23), [V30.B16]
	VLD1.P (R16)(R23), [V31.B16]
	VZIP1 V29.B16, V28.B16, V13.B16 // taps 0, 1 of the group, channels 0-7
	VZIP2 V29.B16, V28.B16, V14.B16 // channels 8-15
	VZIP1 V31.B16, V30.B16, V15.B16 // taps 2, 3
	VZIP2 V31.B16, V30.B16, V28.B16
	VZIP1 V15.H8, V13.H8, V29.H8   // four taps of channels 0-3
	VZIP2 V15.H8, V13.H8, V30.H8   // channels 4-7
	VZIP1 V28.H8, V14.H8, V31.H8   // channels 8-11
	VZIP2 V28.H8, V14.H8, V13.H8   // channels 12-15
	WORD $0x4e8097b0 // sdot v16.4s, v29.16b, v0.16b
	WORD $0x4e8197d1 // sdot v17.4s, v30.16b, v1.16b
	WORD $0x4e8297f2 // sdot v18.4s, v31.16b, v2.16b
	WORD $0x4e8395b3 // sdot v19.4s, v13.16b, v3.16b
	VLD1.P (R17)(R23), [V28.B16]
	VLD1.P (R19)(R23), [V29.B16]
	VLD1.P (R20)(R23), [V30.B16]
	VLD1.P (R21)(R23), [V31.B16]
	VZIP1 V29.B16, V28.B16, V13.B16 // taps 0, 1 of the group, channels 0-7
	VZIP2 V29.B16, V28.B16, V14.B16 // channels 8-15
	VZIP1 V31.B16, V30.B16, V15.B16 // taps 2, 3
	VZIP2 V31.B16, V30.B16, V28.B16
	VZIP1 V15.H8, V13.H8, V29.H8   // four taps of channels 0-3
	VZIP2 V15.H8, V13.H8, V30.H8   // channels 4-7
	VZIP1 V28.H8, V14.H8, V31.H8   // channels 8-11
	VZIP2 V28.H8, V14.H8, V13.H8   // channels 12-15
	WORD $0x4e8497b0 // sdot v16.4s, v29.16b, v4.16b
	WORD $0x4e8597d1 // sdot v17.4s, v30.16b, v5.16b
	WORD $0x4e8697f2 // sdot v18.4s, v31.16b, v6.16b
	WORD $0x4e8795b3 // sdot v19.4s, v13.16b, v7.16b
	VLD1.P (R22)(R23), [V14.B16]
	WORD $0x0e28c1dc // smull v28.8h, v14.8b, v8.8b
	WORD $0x4e28c1dd // smull2 v29.8h, v14.16b, v8.16b
	WORD $0x0e7c1210 // saddw v16.4s, v16.4s, v28.4h
	WORD $0x4e7c1231 // saddw2 v17.4s, v17.4s, v28.8h
	WORD $0x0e7d1252 // saddw v18.4s, v18.4s, v29.4h
	WORD $0x4e7d1273 // saddw2 v19.4s, v19.4s, v29.8h
	WORD $0x6eb4b610 // sqrdmulh v16.4s, v16.4s, v20.4s
	WORD $0x6eb5b631 // sqrdmulh v17.4s, v17.4s, v21.4s
	WORD $0x6eb6b652 // sqrdmulh v18.4s, v18.4s, v22.4s
	WORD $0x6eb7b673 // sqrdmulh v19.4s, v19.4s, v23.4s
	WORD $0x4f211610 // ssra v16.4s, v16.4s, #31
	WORD $0x4f211631 // ssra v17.4s, v17.4s, #31
	WORD $0x4f211652 // ssra v18.4s, v18.4s, #31
	WORD $0x4f211673 // ssra v19.4s, v19.4s, #31
	WORD $0x4eb85610 // srshl v16.4s, v16.4s, v24.4s
	WORD $0x4eb95631 // srshl v17.4s, v17.4s, v25.4s
	WORD $0x4eba5652 // srshl v18.4s, v18.4s, v26.4s
	WORD $0x4ebb5673 // srshl v19.4s, v19.4s, v27.4s
	WORD $0x0e614a10 // sqxtn v16.4h, v16.4s
	WORD $0x4e614a30 // sqxtn2 v16.8h, v17.4s
	WORD $0x0e614a52 // sqxtn v18.4h, v18.4s
	WORD $0x4e614a72 // sqxtn2 v18.8h, v19.4s
	WORD $0x4e6a0e10 // sqadd v16.8h, v16.8h, v10.8h
	WORD $0x4e6a0e52 // sqadd v18.8h, v18.8h, v10.8h
	WORD $0x0e214a10 // sqxtn v16.8b, v16.8h
	WORD $0x4e214a50 // sqxtn2 v16.16b, v18.8h
	WORD $0x4e2b6610 // smax v16.16b, v16.16b, v11.16b
	WORD $0x4e2c6e10 // smin v16.16b, v16.16b, v12.16b
	VST1.P [V16.B16], (R24)(R25)
	SUBS $1, R12
	BNE dwd_right_full
	B dwd_row_end

dwd_right_part:
	VLD1 (R5), [V16.S4, V17.S4, V18.S4, V19.S4] // bias
	VLD1.P (R13)(R23), [V28.B16]
	VLD1.P (R14)(R23), [V29.B16]
	VLD1.P (R15)(R23), [V30.B16]
	VLD1.P (R16)(R23), [V31.B16]
	VZIP1 V29.B16, V28.B16, V13.B16 // taps 0, 1 of the group, channels 0-7
	VZIP2 V29.B16, V28.B16, V14.B16 // channels 8-15
	VZIP1 V31.B16, V30.B16, V15.B16 // taps 2, 3
	VZIP2 V31.B16, V30.B16, V28.B16
	VZIP1 V15.H8, V13.H8, V29.H8   // four taps of channels 0-3
	VZIP2 V15.H8, V13.H8, V30.H8   // channels 4-7
	VZIP1 V28.H8, V14.H8, V31.H8   // channels 8-11
	VZIP2 V28.H8, V14.H8, V13.H8   // channels 12-15
	WORD $0x4e8097b0 // sdot v16.4s, v29.16b, v0.16b
	WORD $0x4e8197d1 // sdot v17.4s, v30.16b, v1.16b
	WORD $0x4e8297f2 // sdot v18.4s, v31.16b, v2.16b
	WORD $0x4e8395b3 // sdot v19.4s, v13.16b, v3.16b
	VLD1.P (R17)(R23), [V28.B16]
	VLD1.P (R19)(R23), [V29.B16]
	VLD1.P (R20)(R23), [V30.B16]
	VLD1.P (R21)(R23), [V31.B16]
	VZIP1 V29.B16, V28.B16, V13.B16 // taps 0, 1 of the group, channels 0-7
	VZIP2 V29.B16, V28.B16, V14.B16 // channels 8-15
	VZIP1 V31.B16, V30.B16, V15.B16 // taps 2, 3
	VZIP2 V31.B16, V30.B16, V28.B16
	VZIP1 V15.H8, V13.H8, V29.H8   // four taps of channels 0-3
	VZIP2 V15.H8, V13.H8, V30.H8   // channels 4-7
	VZIP1 V28.H8, V14.H8, V31.H8   // channels 8-11
	VZIP2 V28.H8, V14.H8, V13.H8   // channels 12-15
	WORD $0x4e8497b0 // sdot v16.4s, v29.16b, v4.16b
	WORD $0x4e8597d1 // sdot v17.4s, v30.16b, v5.16b
	WORD $0x4e8697f2 // sdot v18.4s, v31.16b, v6.16b
	WORD $0x4e8795b3 // sdot v19.4s, v13.16b, v7.16b
	VLD1.P (R22)(R23), [V14.B16]
	WORD $0x0e28c1dc // smull v28.8h, v14.8b, v8.8b
	WORD $0x4e28c1dd // smull2 v29.8h, v14.16b, v8.16b
	WORD $0x0e7c1210 // saddw v16.4s, v16.4s, v28.4h
	WORD $0x4e7c1231 // saddw2 v17.4s, v17.4s, v28.8h
	WORD $0x0e7d1252 // saddw v18.4s, v18.4s, v29.4h
	WORD $0x4e7d1273 // saddw2 v19.4s, v19.4s, v29.8h
	WORD $0x6eb4b610 // sqrdmulh v16.4s, v16.4s, v20.4s
	WORD $0x6eb5b631 // sqrdmulh v17.4s, v17.4s, v21.4s
	WORD $0x6eb6b652 // sqrdmulh v18.4s, v18.4s, v22.4s
	WORD $0x6eb7b673 // sqrdmulh v19.4s, v19.4s, v23.4s
	WORD $0x4f211610 // ssra v16.4s, v16.4s, #31
	WORD $0x4f211631 // ssra v17.4s, v17.4s, #31
	WORD $0x4f211652 // ssra v18.4s, v18.4s, #31
	WORD $0x4f211673 // ssra v19.4s, v19.4s, #31
	WORD $0x4eb85610 // srshl v16.4s, v16.4s, v24.4s
	WORD $0x4eb95631 // srshl v17.4s, v17.4s, v25.4s
	WORD $0x4eba5652 // srshl v18.4s, v18.4s, v26.4s
	WORD $0x4ebb5673 // srshl v19.4s, v19.4s, v27.4s
	WORD $0x0e614a10 // sqxtn v16.4h, v16.4s
	WORD $0x4e614a30 // sqxtn2 v16.8h, v17.4s
	WORD $0x0e614a52 // sqxtn v18.4h, v18.4s
	WORD $0x4e614a72 // sqxtn2 v18.8h, v19.4s
	WORD $0x4e6a0e10 // sqadd v16.8h, v16.8h, v10.8h
	WORD $0x4e6a0e52 // sqadd v18.8h, v18.8h, v10.8h
	WORD $0x0e214a10 // sqxtn v16.8b, v16.8h
	WORD $0x4e214a50 // sqxtn2 v16.16b, v18.8h
	WORD $0x4e2b6610 // smax v16.16b, v16.16b, v11.16b
	WORD $0x4e2c6e10 // smin v16.16b, v16.16b, v12.16b
	MOVD R24, R10
	ADD R25, R24
	TBZ $3, R6, 3(PC)
	VST1.P V16.D[0], 8(R10)
	VEXT $8, V16.B16, V16.B16, V16.B16
	TBZ $2, R6, 3(PC)
	VST1.P V16.S[0], 4(R10)
	VEXT $4, V16.B16, V16.B16, V16.B16
	TBZ $1, R6, 3(PC)
	VST1.P V16.H[0], 2(R10)
	VEXT $2, V16.B16, V16.B16, V16.B16
	TBZ $0, R6, 2(PC)
	VST1 V16.B[0], (R10)
	SUBS $1, R12
	BNE dwd_right_part
	B dwd_row_end

dwd_general_full:
	VLD1 (R5), [V16.S4, V17.S4, V18.S4, V19.S4] // bias
	VLD1.P (R13)(R23), [V28.B16]
	VLD1.P (R14)(R23), [V29.B16]
	VLD1.P (R15)(R23), [V30.B16]
	VLD1.P (R16)(R23), [V31.B16]
	VZIP1 V29.B16, V28.B16, V13.B16 // taps 0, 1 of the group, channels 0-7
	VZIP2 V29.B16, V28.B16, V14.B16 // channels 8-15
	VZIP1 V31.B16, V30.B16, V15.B16 // taps 2, 3
	VZIP2 V31.B16, V30.B16, V28.B16
	VZIP1 V15.H8, V13.H8, V29.H8   // four taps of channels 0-3
	VZIP2 V15.H8, V13.H8, V30.H8   // channels 4-7
	VZIP1 V28.H8, V14.H8, V31.H8   // channels 8-11
	VZIP2 V28.H8, V14.H8, V13.H8   // channels 12-15
	WORD $0x4e8097b0 // sdot v16.4s, v29.16b, v0.16b
	WORD $0x4e8197d1 // sdot v17.4s, v30.16b, v1.16b
	WORD $0x4e8297f2 // sdot v18.4s, v31.16b, v2.16b
	WORD $0x4e8395b3 // sdot v19.4s, v13.16b, v3.16b
	VLD1.P (R17)(R23), [V28.B16]
	VLD1.P (R19)(R23), [V29.B16]
	VLD1.P (R20)(R23), [V30.B16]
	VLD1.P (R21)(R23), [V31.B16]
	VZIP1 V29.B16, V28.B16, V13.B16 // taps 0, 1 of the group, channels 0-7
	VZIP2 V29.B16, V28.B16, V14.B16 // channels 8-15
	VZIP1 V31.B16, V30.B16, V15.B16 // taps 2, 3
	VZIP2 V31.B16, V30.B16, V28.B16
	VZIP1 V15.H8, V13.H8, V29.H8   // four taps of channels 0-3
	VZIP2 V15.H8, V13.H8, V30.H8   // channels 4-7
	VZIP1 V28.H8, V14.H8, V31.H8   // channels 8-11
	VZIP2 V28.H8, V14.H8, V13.H8   // channels 12-15
	WORD $0x4e8497b0 // sdot v16.4s, v29.16b, v4.16b
	WORD $0x4e8597d1 // sdot v17.4s, v30.16b, v5.16b
	WORD $0x4e8697f2 // sdot v18.4s, v31.16b, v6.16b
	WORD $0x4e8795b3 // sdot v19.4s, v13.16b, v7.16b
	VLD1.P (R22)(R23), [V14.B16]
	WORD $0x0e28c1dc // smull v28.8h, v14.8b, v8.8b
	WORD $0x4e28c1dd // smull2 v29.8h, v14.16b, v8.16b
	WORD $0x0e7c1210 // saddw v16.4s, v16.4s, v28.4h
	WORD $0x4e7c1231 // saddw2 v17.4s, v17.4s, v28.8h
	WORD $0x0e7d1252 // saddw v18.4s, v18.4s, v29.4h
	WORD $0x4e7d1273 // saddw2 v19.4s, v19.4s, v29.8h
	ADD $128, R5, R10
	VLD1 (R10), [V28.S4, V29.S4, V30.S4, V31.S4] // left shifts
	WORD $0x4ebc4610 // sshl v16.4s, v16.4s, v28.4s
	WORD $0x4ebd4631 // sshl v17.4s, v17.4s, v29.4s
	WORD $0x4ebe4652 // sshl v18.4s, v18.4s, v30.4s
	WORD $0x4ebf4673 // sshl v19.4s, v19.4s, v31.4s
	WORD $0x6eb4b610 // sqrdmulh v16.4s, v16.4s, v20.4s
	WORD $0x6eb5b631 // sqrdmulh v17.4s, v17.4s, v21.4s
	WORD $0x6eb6b652 // sqrdmulh v18.4s, v18.4s, v22.4s
	WORD $0x6eb7b673 // sqrdmulh v19.4s, v19.4s, v23.4s
	WORD $0x4e381e0d // and v13.16b, v16.16b, v24.16b
	WORD $0x4f2115b0 // ssra v16.4s, v13.4s, #31
	WORD $0x4e391e2d // and v13.16b, v17.16b, v25.16b
	WORD $0x4f2115b1 // ssra v17.4s, v13.4s, #31
	WORD $0x4e3a1e4d // and v13.16b, v18.16b, v26.16b
	WORD $0x4f2115b2 // ssra v18.4s, v13.4s, #31
	WORD $0x4e3b1e6d // and v13.16b, v19.16b, v27.16b
	WORD $0x4f2115b3 // ssra v19.4s, v13.4s, #31
	WORD $0x4eb85610 // srshl v16.4s, v16.4s, v24.4s
	WORD $0x4eb95631 // srshl v17.4s, v17.4s, v25.4s
	WORD $0x4eba5652 // srshl v18.4s, v18.4s, v26.4s
	WORD $0x4ebb5673 // srshl v19.4s, v19.4s, v27.4s
	WORD $0x4ea98610 // add v16.4s, v16.4s, v9.4s
	WORD $0x4ea98631 // add v17.4s, v17.4s, v9.4s
	WORD $0x4ea98652 // add v18.4s, v18.4s, v9.4s
	WORD $0x4ea98673 // add v19.4s, v19.4s, v9.4s
	WORD $0x0e614a10 // sqxtn v16.4h, v16.4s
	WORD $0x4e614a30 // sqxtn2 v16.8h, v17.4s
	WORD $0x0e614a52 // sqxtn v18.4h, v18.4s
	WORD $0x4e614a72 // sqxtn2 v18.8h, v19.4s
	WORD $0x0e214a10 // sqxtn v16.8b, v16.8h
	WORD $0x4e214a50 // sqxtn2 v16.16b, v18.8h
	WORD $0x4e2b6610 // smax v16.16b, v16.16b, v11.16b
	WORD $0x4e2c6e10 // smin v16.16b, v16.16b, v12.16b
	VST1.P [V16.B16], (R24)(R25)
	SUBS $1, R12
	BNE dwd_general_full
	B dwd_row_end

dwd_general_part:
	VLD1 (R5), [V16.S4, V17.S4, V18.S4, V19.S4] // bias
	VLD1.P (R13)(R23), [V28.B16]
	VLD1.P (R14)(R23), [V29.B16]
	VLD1.P (R15)(R23), [V30.B16]
	VLD1.P (R16)(R23), [V31.B16]
	VZIP1 V29.B16, V28.B16, V13.B16 // taps 0, 1 of the group, channels 0-7
	VZIP2 V29.B16, V28.B16, V14.B16 // channels 8-15
	VZIP1 V31.B16, V30.B16, V15.B16 // taps 2, 3
	VZIP2 V31.B16, V30.B16, V28.B16
	VZIP1 V15.H8, V13.H8, V29.H8   // four taps of channels 0-3
	VZIP2 V15.H8, V13.H8, V30.H8   // channels 4-7
	VZIP1 V28.H8, V14.H8, V31.H8   // channels 8-11
	VZIP2 V28.H8, V14.H8, V13.H8   // channels 12-15
	WORD $0x4e8097b0 // sdot v16.4s, v29.16b, v0.16b
	WORD $0x4e8197d1 // sdot v17.4s, v30.16b, v1.16b
	WORD $0x4e8297f2 // sdot v18.4s, v31.16b, v2.16b
	WORD $0x4e8395b3 // sdot v19.4s, v13.16b, v3.16b
	VLD1.P (R17)(R23), [V28.B16]
	VLD1.P (R19)(R23), [V29.B16]
	VLD1.P (R20)(R23), [V30.B16]
	VLD1.P (R21)(R23), [V31.B16]
	VZIP1 V29.B16, V28.B16, V13.B16 // taps 0, 1 of the group, channels 0-7
	VZIP2 V29.B16, V28.B16, V14.B16 // channels 8-15
	VZIP1 V31.B16, V30.B16, V15.B16 // taps 2, 3
	VZIP2 V31.B16, V30.B16, V28.B16
	VZIP1 V15.H8, V13.H8, V29.H8   // four taps of channels 0-3
	VZIP2 V15.H8, V13.H8, V30.H8   // channels 4-7
	VZIP1 V28.H8, V14.H8, V31.H8   // channels 8-11
	VZIP2 V28.H8, V14.H8, V13.H8   // channels 12-15
	WORD $0x4e8497b0 // sdot v16.4s, v29.16b, v4.16b
	WORD $0x4e8597d1 // sdot v17.4s, v30.16b, v5.16b
	WORD $0x4e8697f2 // sdot v18.4s, v31.16b, v6.16b
	WORD $0x4e8795b3 // sdot v19.4s, v13.16b, v7.16b
	VLD1.P (R22)(R23), [V14.B16]
	WORD $0x0e28c1dc // smull v28.8h, v14.8b, v8.8b
	WORD $0x4e28c1dd // smull2 v29.8h, v14.16b, v8.16b
	WORD $0x0e7c1210 // saddw v16.4s, v16.4s, v28.4h
	WORD $0x4e7c1231 // saddw2 v17.4s, v17.4s, v28.8h
	WORD $0x0e7d1252 // saddw v18.4s, v18.4s, v29.4h
	WORD $0x4e7d1273 // saddw2 v19.4s, v19.4s, v29.8h
	ADD $128, R5, R10
	VLD1 (R10), [V28.S4, V29.S4, V30.S4, V31.S4] // left shifts
	WORD $0x4ebc4610 // sshl v16.4s, v16.4s, v28.4s
	WORD $0x4ebd4631 // sshl v17.4s, v17.4s, v29.4s
	WORD $0x4ebe4652 // sshl v18.4s, v18.4s, v30.4s
	WORD $0x4ebf4673 // sshl v19.4s, v19.4s, v31.4s
	WORD $0x6eb4b610 // sqrdmulh v16.4s, v16.4s, v20.4s
	WORD $0x6eb5b631 // sqrdmulh v17.4s, v17.4s, v21.4s
	WORD $0x6eb6b652 // sqrdmulh v18.4s, v18.4s, v22.4s
	WORD $0x6eb7b673 // sqrdmulh v19.4s, v19.4s, v23.4s
	WORD $0x4e381e0d // and v13.16b, v16.16b, v24.16b
	WORD $0x4f2115b0 // ssra v16.4s, v13.4s, #31
	WORD $0x4e391e2d // and v13.16b, v17.16b, v25.16b
	WORD $0x4f2115b1 // ssra v17.4s, v13.4s, #31
	WORD $0x4e3a1e4d // and v13.16b, v18.16b, v26.16b
	WORD $0x4f2115b2 // ssra v18.4s, v13.4s, #31
	WORD $0x4e3b1e6d // and v13.16b, v19.16b, v27.16b
	WORD $0x4f2115b3 // ssra v19.4s, v13.4s, #31
	WORD $0x4eb85610 // srshl v16.4s, v16.4s, v24.4s
	WORD $0x4eb95631 // srshl v17.4s, v17.4s, v25.4s
	WORD $0x4eba5652 // srshl v18.4s, v18.4s, v26.4s
	WORD $0x4ebb5673 // srshl v19.4s, v19.4s, v27.4s
	WORD $0x4ea98610 // add v16.4s, v16.4s, v9.4s
	WORD $0x4ea98631 // add v17.4s, v17.4s, v9.4s
	WORD $0x4ea98652 // add v18.4s, v18.4s, v9.4s
	WORD $0x4ea98673 // add v19.4s, v19.4s, v9.4s
	WORD $0x0e614a10 // sqxtn v16.4h, v16.4s
	WORD $0x4e614a30 // sqxtn2 v16.8h, v17.4s
	WORD $0x0e614a52 // sqxtn v18.4h, v18.4s
	WORD $0x4e614a72 // sqxtn2 v18.8h, v19.4s
	WORD $0x0e214a10 // sqxtn v16.8b, v16.8h
	WORD $0x4e214a50 // sqxtn2 v16.16b, v18.8h
	WORD $0x4e2b6610 // smax v16.16b, v16.16b, v11.16b
	WORD $0x4e2c6e10 // smin v16.16b, v16.16b, v12.16b
	MOVD R24, R10
	ADD R25, R24
	TBZ $3, R6, 3(PC)
	VST1.P V16.D[0], 8(R10)
	VEXT $8, V16.B16, V16.B16, V16.B16
	TBZ $2, R6, 3(PC)
	VST1.P V16.S[0], 4(R10)
	VEXT $4, V16.B16, V16.B16, V16.B16
	TBZ $1, R6, 3(PC)
	VST1.P V16.H[0], 2(R10)
	VEXT $2, V16.B16, V16.B16, V16.B16
	TBZ $0, R6, 2(PC)
	VST1 V16.B[0], (R10)
	SUBS $1, R12
	BNE dwd_general_part
	B dwd_row_end

dwd_row_end:
	MOVD 144(R0), R10
	MOVD 200(R0), R11
	ADD R10, R8
	ADD R11, R9
	SUBS $1, R7
	BNE dwd_row
	ADD $16, R2
	ADD $16, R3
	ADD $256, R5
	SUB $0x100, R1
	CMP $0x100, R1
	BHS dwd_block
	RET
