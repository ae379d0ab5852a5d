import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// The tests render whole pages with tables and charts; on a busy CI machine the
// default of one second for findBy/waitFor is too tight.
configure({ asyncUtilTimeout: 5000 });
