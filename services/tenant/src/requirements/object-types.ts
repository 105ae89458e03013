/** The built-in object type of requirement sets (role 'requirement_set'), which only the requirement routes create. */
export const REQUIREMENT_SET_TYPE = 'requirement_set';

/** The built-in object type of requirements and groups (role 'requirement'), which only the requirement routes create. */
export const REQUIREMENT_TYPE = 'requirement';
