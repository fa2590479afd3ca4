/* The DWARF constants whyhung's readers use, values from the DWARF 5
 * standard (7.5 and following) and GNU extensions, so that no DWARF
 * library is needed to build. */
#ifndef WHYHUNG_DWARF_CONSTANTS_H
#define WHYHUNG_DWARF_CONSTANTS_H

enum {
	DW_TAG_array_type = 0x1,
	DW_TAG_enumeration_type = 0x4,
	DW_TAG_lexical_block = 0xb,
	DW_TAG_member = 0xd,
	DW_TAG_pointer_type = 0xf,
	DW_TAG_compile_unit = 0x11,
	DW_TAG_structure_type = 0x13,
	DW_TAG_subroutine_type = 0x15,
	DW_TAG_typedef = 0x16,
	DW_TAG_union_type = 0x17,
	DW_TAG_subrange_type = 0x21,
	DW_TAG_base_type = 0x24,
	DW_TAG_const_type = 0x26,
	DW_TAG_enumerator = 0x28,
	DW_TAG_subprogram = 0x2e,
	DW_TAG_variable = 0x34,
	DW_TAG_volatile_type = 0x35,
	DW_TAG_restrict_type = 0x37,
	DW_TAG_inlined_subroutine = 0x1d,
	DW_TAG_atomic_type = 0x47,
};

enum {
	DW_CHILDREN_no = 0x0,
	DW_CHILDREN_yes = 0x1,
};

enum {
	DW_AT_sibling = 0x1,
	DW_AT_location = 0x2,
	DW_AT_name = 0x3,
	DW_AT_byte_size = 0xb,
	DW_AT_bit_offset = 0xc,
	DW_AT_bit_size = 0xd,
	DW_AT_stmt_list = 0x10,
	DW_AT_low_pc = 0x11,
	DW_AT_high_pc = 0x12,
	DW_AT_language = 0x13,
	DW_AT_comp_dir = 0x1b,
	DW_AT_const_value = 0x1c,
	DW_AT_producer = 0x25,
	DW_AT_upper_bound = 0x2f,
	DW_AT_count = 0x37,
	DW_AT_data_member_location = 0x38,
	DW_AT_abstract_origin = 0x31,
	DW_AT_declaration = 0x3c,
	DW_AT_encoding = 0x3e,
	DW_AT_external = 0x3f,
	DW_AT_specification = 0x47,
	DW_AT_frame_base = 0x40,
	DW_AT_type = 0x49,
	DW_AT_ranges = 0x55,
	DW_AT_call_file = 0x58,
	DW_AT_call_line = 0x59,
	DW_AT_data_bit_offset = 0x6b,
	DW_AT_str_offsets_base = 0x72,
	DW_AT_addr_base = 0x73,
	DW_AT_rnglists_base = 0x74,
	DW_AT_GNU_dwo_name = 0x2130,
};

enum {
	DW_FORM_addr = 0x1,
	DW_FORM_block2 = 0x3,
	DW_FORM_block4 = 0x4,
	DW_FORM_data2 = 0x5,
	DW_FORM_data4 = 0x6,
	DW_FORM_data8 = 0x7,
	DW_FORM_string = 0x8,
	DW_FORM_block = 0x9,
	DW_FORM_block1 = 0xa,
	DW_FORM_data1 = 0xb,
	DW_FORM_flag = 0xc,
	DW_FORM_sdata = 0xd,
	DW_FORM_strp = 0xe,
	DW_FORM_udata = 0xf,
	DW_FORM_ref_addr = 0x10,
	DW_FORM_ref1 = 0x11,
	DW_FORM_ref2 = 0x12,
	DW_FORM_ref4 = 0x13,
	DW_FORM_ref8 = 0x14,
	DW_FORM_ref_udata = 0x15,
	DW_FORM_indirect = 0x16,
	DW_FORM_sec_offset = 0x17,
	DW_FORM_exprloc = 0x18,
	DW_FORM_flag_present = 0x19,
	DW_FORM_strx = 0x1a,
	DW_FORM_addrx = 0x1b,
	DW_FORM_ref_sup4 = 0x1c,
	DW_FORM_strp_sup = 0x1d,
	DW_FORM_data16 = 0x1e,
	DW_FORM_line_strp = 0x1f,
	DW_FORM_ref_sig8 = 0x20,
	DW_FORM_implicit_const = 0x21,
	DW_FORM_loclistx = 0x22,
	DW_FORM_rnglistx = 0x23,
	DW_FORM_ref_sup8 = 0x24,
	DW_FORM_strx1 = 0x25,
	DW_FORM_strx2 = 0x26,
	DW_FORM_strx3 = 0x27,
	DW_FORM_strx4 = 0x28,
	DW_FORM_addrx1 = 0x29,
	DW_FORM_addrx2 = 0x2a,
	DW_FORM_addrx3 = 0x2b,
	DW_FORM_addrx4 = 0x2c,
	DW_FORM_GNU_addr_index = 0x1f01,
	DW_FORM_GNU_str_index = 0x1f02,
	DW_FORM_GNU_ref_alt = 0x1f20,
	DW_FORM_GNU_strp_alt = 0x1f21,
};

enum {
	DW_UT_compile = 0x1,
	DW_UT_type = 0x2,
	DW_UT_partial = 0x3,
	DW_UT_skeleton = 0x4,
	DW_UT_split_compile = 0x5,
	DW_UT_split_type = 0x6,
};

enum {
	DW_RLE_end_of_list = 0x0,
	DW_RLE_base_addressx = 0x1,
	DW_RLE_startx_endx = 0x2,
	DW_RLE_startx_length = 0x3,
	DW_RLE_offset_pair = 0x4,
	DW_RLE_base_address = 0x5,
	DW_RLE_start_end = 0x6,
	DW_RLE_start_length = 0x7,
};

enum {
	DW_OP_plus_uconst = 0x23,
	DW_OP_call_frame_cfa = 0x9c,
};

enum {
	DW_LANG_C11 = 0x1d,
};

enum {
	DW_ATE_signed = 0x5,
};

enum {
	DW_LNS_copy = 0x1,
	DW_LNS_advance_pc = 0x2,
	DW_LNS_advance_line = 0x3,
	DW_LNS_set_file = 0x4,
	DW_LNS_set_column = 0x5,
	DW_LNS_negate_stmt = 0x6,
	DW_LNS_set_basic_block = 0x7,
	DW_LNS_const_add_pc = 0x8,
	DW_LNS_fixed_advance_pc = 0x9,
	DW_LNS_set_prologue_end = 0xa,
	DW_LNS_set_epilogue_begin = 0xb,
	DW_LNS_set_isa = 0xc,
};

enum {
	DW_LNE_end_sequence = 0x1,
	DW_LNE_set_address = 0x2,
	DW_LNE_define_file = 0x3,
	DW_LNE_set_discriminator = 0x4,
};

enum {
	DW_LNCT_path = 0x1,
	DW_LNCT_directory_index = 0x2,
	DW_LNCT_timestamp = 0x3,
	DW_LNCT_size = 0x4,
	DW_LNCT_MD5 = 0x5,
};

#endif
