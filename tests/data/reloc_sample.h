/* Lines of reloc_sample.c that the relocation test looks up; the sample
 * checks them with static assertions, so they cannot drift. */
#ifndef RELOC_SAMPLE_H
#define RELOC_SAMPLE_H

#define SAMPLE_FIRST_LINE 15
#define SAMPLE_SECOND_LINE 19
#define SAMPLE_SECOND_BODY_LINE 21

#endif
